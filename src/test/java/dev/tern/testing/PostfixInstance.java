package dev.tern.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A private instance of Debian's Postfix for tests: its configuration, queue and log under a test
 * directory ({@code postfix -c}; {@code /etc/postfix} is read, never changed), an smtpd on one
 * loopback port, and {@code main.cf} settings the test chooses (transports, domains). Needs root,
 * as Postfix's master does. {@link #close()} stops it.
 */
public final class PostfixInstance implements AutoCloseable {

    public static final Path POSTFIX = Path.of("/usr/sbin/postfix");
    private static final Pattern CHROOTED = Pattern.compile(
            "(?m)^([a-z0-9]+ +(?:unix|inet|fifo|unix-dgram|pass) +[-ny] +[-ny] +)y ");

    private final Path dir;
    private final Path conf;
    private final int smtpPort;
    private boolean started;

    /** Whether Postfix is installed and this process may run it. */
    public static boolean available() {
        return Files.isExecutable(POSTFIX) && "root".equals(System.getProperty("user.name"));
    }

    /**
     * Writes the instance's files under {@code dir} and starts it.
     *
     * @param smtpPort the port of its smtpd on 127.0.0.1
     * @param mainCf   more {@code main.cf} settings, one {@code name = value} each
     */
    public static PostfixInstance start(Path dir, int smtpPort, List<String> mainCf)
            throws IOException, InterruptedException {
        PostfixInstance p = new PostfixInstance(dir, smtpPort);
        p.configure(mainCf);
        p.run("start");
        p.started = true;
        p.awaitPort();
        return p;
    }

    private PostfixInstance(Path dir, int smtpPort) {
        this.dir = dir;
        this.conf = dir.resolve("etc");
        this.smtpPort = smtpPort;
    }

    /** The log Postfix writes ({@code maillog_file}), one line per event. */
    public Path log() {
        return dir.resolve("postfix.log");
    }

    public String logText() throws IOException {
        return Files.exists(log()) ? Files.readString(log(), StandardCharsets.UTF_8) : "";
    }

    public int smtpPort() {
        return smtpPort;
    }

    private void configure(List<String> mainCf) throws IOException, InterruptedException {
        Path queue = dir.resolve("queue");
        Path data = dir.resolve("data");
        Files.createDirectories(conf);
        Files.createDirectories(queue);
        Files.createDirectories(data);
        command("chown", "postfix", data.toString());
        // Postfix's daemons run as the postfix user, which must reach data/ (a test's directory is rwx------).
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        for (Path p = dir.toAbsolutePath(); p.startsWith(tmp) && !p.equals(tmp); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path masterDist = Path.of("/usr/share/postfix/master.cf.dist");
        String master = Files.readString(Files.exists(masterDist) ? masterDist : Path.of("/etc/postfix/master.cf"));
        // No service in a chroot (it would need copies of system files), no smtpd on port 25.
        master = CHROOTED.matcher(master).replaceAll("$1n ");
        master = master.replaceFirst("(?m)^smtp +inet ", "#smtp      inet ");
        master += "\n127.0.0.1:" + smtpPort + " inet n - n - - smtpd\n";
        Files.writeString(conf.resolve("master.cf"), master);
        List<String> main = new ArrayList<>(List.of(
                "compatibility_level = 3.6",
                "queue_directory = " + queue,
                "data_directory = " + data,
                "maillog_file = " + log(),
                "maillog_file_prefixes = " + dir.toAbsolutePath(),   // its default, /var, would refuse /tmp
                "syslog_name = postfix-test",
                "inet_interfaces = loopback-only",
                "inet_protocols = ipv4",
                "mynetworks = 127.0.0.0/8",
                "mydestination =",
                "relayhost =",
                "alias_maps =",
                "alias_database =",
                "smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination",
                "default_transport = error:no mail leaves this test",
                "smtputf8_enable = yes"));
        main.addAll(mainCf);
        Files.writeString(conf.resolve("main.cf"), String.join("\n", main) + "\n");
        command(POSTFIX.toString(), "-c", conf.toString(), "check");
    }

    private void run(String action) throws IOException, InterruptedException {
        command(POSTFIX.toString(), "-c", conf.toString(), action);
    }

    private void command(String... command) throws IOException, InterruptedException {
        ClientRun.Result r = ClientRun.run(new ProcessBuilder(command), dir.resolve("command.out"),
                Duration.ofSeconds(60));
        if (r.status() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + r.status() + "): " + r.output()
                    + "\nlog:\n" + logText());
        }
    }

    private void awaitPort() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", smtpPort), 1000);
                return;
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        throw new IOException("Postfix did not open 127.0.0.1:" + smtpPort + "; log:\n" + logText());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (started) {
            started = false;
            run("stop");
        }
    }
}
