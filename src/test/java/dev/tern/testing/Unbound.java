package dev.tern.testing;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A private unbound (Debian's package) on a free 127.0.0.1 port that validates DNSSEC for real:
 * it serves zones the test writes, those made {@linkplain Builder#signedZone signed} with keys
 * made by BIND's {@code dnssec-keygen} and signed by {@code dnssec-signzone}, and trusts their
 * keys as anchors. It asks no other server: every name outside these zones fails, so tests stay
 * on loopback.
 *
 * <pre>{@code
 * try (Unbound dns = Unbound.in(dir).signedZone("b.test", "b.test. MX 10 mx.b.test.\nmx.b.test. A 127.0.0.3\n").start()) {
 *     ... [dns] nameservers = [dns.address()]
 * }
 * }</pre>
 */
public final class Unbound implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(20);

    /** Collects the zones before anything runs. */
    public static final class Builder {
        private final Path dir;
        private final Map<String, String> zones = new LinkedHashMap<>();
        private final Map<String, Boolean> signed = new LinkedHashMap<>();
        private final Map<String, String[]> tampered = new LinkedHashMap<>();

        private Builder(Path dir) {
            this.dir = dir;
        }

        /** A zone signed with keys of its own, which unbound trusts: its answers are validated (AD). */
        public Builder signedZone(String name, String records) {
            zones.put(name, records);
            signed.put(name, true);
            return this;
        }

        /** A zone without signatures: its answers are insecure (no AD). */
        public Builder zone(String name, String records) {
            zones.put(name, records);
            signed.put(name, false);
            return this;
        }

        /**
         * A signed zone in which {@code text} is changed to {@code replacement} after signing: the
         * signature over that record no longer verifies, and unbound answers SERVFAIL for it.
         */
        public Builder tamperedZone(String name, String records, String text, String replacement) {
            signedZone(name, records);
            tampered.put(name, new String[] {text, replacement});
            return this;
        }

        public Unbound start() throws IOException {
            Files.createDirectories(dir);
            StringBuilder conf = new StringBuilder();
            List<Path> anchors = new ArrayList<>();
            for (Map.Entry<String, String> z : zones.entrySet()) {
                Path file = writeZone(z.getKey(), z.getValue());
                if (signed.get(z.getKey())) {
                    file = sign(z.getKey(), file);
                    anchors.add(dir.resolve("dsset-" + z.getKey() + "."));
                }
                conf.append("""
                        auth-zone:
                            name: "%s"
                            zonefile: "%s"
                            for-upstream: yes
                            for-downstream: no
                            fallback-enabled: no
                        """.formatted(z.getKey(), file));
            }
            String anchorLines = anchors.stream().map(a -> "    trust-anchor-file: \"" + a + "\"\n")
                    .reduce("", String::concat);
            String first = zones.keySet().iterator().next();
            return LoopbackPorts.retryWhileTaken(
                    () -> launch(dir, LoopbackPorts.freeOnAll("127.0.0.1"), anchorLines, conf.toString()),
                    u -> u.awaitReady(first));
        }

        private Path writeZone(String name, String records) throws IOException {
            Path file = dir.resolve(name + ".zone");
            Files.writeString(file, "$TTL 300\n"
                    + name + ". IN SOA ns." + name + ". hostmaster." + name + ". 1 3600 600 86400 300\n"
                    + name + ". IN NS ns." + name + ".\n"
                    + "ns." + name + ". IN A 127.0.0.1\n"
                    + records + "\n");
            return file;
        }

        private Path sign(String name, Path zone) throws IOException {
            Path keys = Files.createDirectories(dir.resolve("keys-" + name));
            run("dnssec-keygen", "-q", "-K", keys.toString(), "-a", "ECDSAP256SHA256", "-f", "KSK", "-n", "ZONE", name);
            run("dnssec-keygen", "-q", "-K", keys.toString(), "-a", "ECDSAP256SHA256", "-n", "ZONE", name);
            Path signedFile = dir.resolve(name + ".signed");
            run("dnssec-signzone", "-q", "-S", "-K", keys.toString(), "-d", dir.toString(), "-o", name,
                    "-f", signedFile.toString(), zone.toString());
            String[] change = tampered.get(name);
            if (change != null) {
                String text = Files.readString(signedFile);
                if (!text.contains(change[0])) {
                    throw new IllegalArgumentException("\"" + change[0] + "\" is not in the signed zone " + name);
                }
                Files.writeString(signedFile, text.replace(change[0], change[1]));
            }
            return signedFile;
        }

        private void run(String... command) throws IOException {
            Path output = dir.resolve("tool.out");
            Process p;
            try {
                p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(output.toFile()).start();
            } catch (IOException e) {
                throw new IOException("cannot run " + command[0] + " (apt-get install bind9-utils): " + e.getMessage(), e);
            }
            try {
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    throw new IOException(String.join(" ", command) + " failed:\n" + Files.readString(output));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    private final Process process;
    private final int port;
    private final Path log;

    private Unbound(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Zones to come, written with their keys and unbound's configuration into {@code dir}. */
    public static Builder in(Path dir) {
        return new Builder(dir);
    }

    /** {@code 127.0.0.1:port}, as {@code [dns] nameservers} takes it. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    private static Unbound launch(Path dir, int port, String anchors, String zones) throws IOException {
        Path conf = dir.resolve("unbound.conf");
        Path log = dir.resolve("unbound.log");
        Files.deleteIfExists(log);
        // "test." is one of unbound's default local zones (RFC 6761), answered NXDOMAIN: lifted.
        // Every other name goes to a stub at port 1 of loopback, which answers nothing; queries
        // leave from loopback only.
        Files.writeString(conf, """
                server:
                    interface: 127.0.0.1@%d
                    port: %d
                    do-daemonize: no
                    username: ""
                    chroot: ""
                    directory: "%s"
                    pidfile: ""
                    use-syslog: no
                    logfile: "%s"
                    verbosity: 1
                    do-ip6: no
                    access-control: 127.0.0.0/8 allow
                    module-config: "validator iterator"
                    do-not-query-localhost: no
                    outgoing-interface: 127.0.0.1
                    local-zone: "test." nodefault
                %s
                stub-zone:
                    name: "."
                    stub-addr: 127.0.0.1@1
                %s
                """.formatted(port, port, dir, log, anchors, zones));
        try {
            Process p = new ProcessBuilder("unbound", "-d", "-c", conf.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("unbound.out").toFile()).start();
            return new Unbound(p, port, log);
        } catch (IOException e) {
            throw new IOException("cannot run unbound (apt-get install unbound): " + e.getMessage(), e);
        }
    }

    /** Ready when it answers the first zone's SOA, validated or not. */
    private void awaitReady(String zone) throws IOException {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        resolver.setTimeout(Duration.ofMillis(500));
        Message query = Message.newQuery(Record.newRecord(Name.fromString(zone + "."), Type.SOA, org.xbill.DNS.DClass.IN));
        query.getHeader().setFlag(Flags.AD);
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (true) {
            try {
                if (resolver.send(query).getRcode() == Rcode.NOERROR) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!process.isAlive()) {
                throw new IOException("unbound exited (" + process.exitValue() + ") before it was ready:\n" + output());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("unbound did not answer on " + address() + " within " + STARTUP.toSeconds()
                        + " s:\n" + output());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    /** What it logged and printed, for failure messages. */
    public String output() {
        StringBuilder b = new StringBuilder();
        for (Path p : List.of(log, log.resolveSibling("unbound.out"))) {
            try {
                if (Files.exists(p)) {
                    b.append(new String(Files.readAllBytes(p), StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                b.append(e).append('\n');
            }
        }
        return b.toString();
    }

    @Override
    public void close() {
        ChildProcesses.stop(process);
    }
}
