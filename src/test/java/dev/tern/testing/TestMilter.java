package dev.tern.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The test milter ({@code src/test/resources/milter/test_milter.py}) on pymilter, Debian's
 * {@code python3-milter}, which runs Sendmail's own libmilter: a filter as real as opendkim's. What
 * it does is chosen by each message (see the script); what it saw is written to its log, one line
 * an event.
 */
public final class TestMilter implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(30);

    private final Process process;
    private final String socket;
    private final Path log;

    private TestMilter(Process process, String socket, Path log) {
        this.process = process;
        this.socket = socket;
        this.log = log;
    }

    /** On a free loopback port. */
    public static TestMilter onPort(Path dir) throws IOException {
        int port = LoopbackPorts.freeOnAll("127.0.0.1");
        TestMilter m = start(dir, "inet:" + port + "@127.0.0.1");
        waitUntilConnectable(port, m);
        return m;
    }

    /** On a Unix socket in {@code dir}. */
    public static TestMilter onUnixSocket(Path dir) throws IOException {
        Path socket = dir.resolve("milter.sock");
        TestMilter m = start(dir, "unix:" + socket);
        Instant end = Instant.now().plus(STARTUP);
        while (!Files.exists(socket)) {
            m.checkAlive();
            if (Instant.now().isAfter(end)) {
                throw new IllegalStateException("the test milter made no socket " + socket);
            }
            sleep();
        }
        return m;
    }

    private static TestMilter start(Path dir, String socket) throws IOException {
        Path script;
        try {
            script = Path.of(TestMilter.class.getResource("/milter/test_milter.py").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Path log = dir.resolve("milter.log");
        Files.writeString(log, "");
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        Process p = new ProcessBuilder(python, script.toString(), socket, log.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("milter.out").toFile()).start();
        TestMilter m = new TestMilter(p, socket, log);
        Instant end = Instant.now().plus(STARTUP);
        while (!Files.readString(dir.resolve("milter.out")).contains("ready")) {
            m.checkAlive();
            if (Instant.now().isAfter(end)) {
                m.close();
                throw new IllegalStateException("the test milter did not start");
            }
            sleep();
        }
        return m;
    }

    private static void waitUntilConnectable(int port, TestMilter m) {
        Instant end = Instant.now().plus(STARTUP);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;   // libmilter takes the probe as a connection and drops it: harmless
            } catch (IOException e) {
                m.checkAlive();
                if (Instant.now().isAfter(end)) {
                    throw new IllegalStateException("the test milter does not listen on " + port);
                }
                sleep();
            }
        }
    }

    private void checkAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException("the test milter exited: " + output());
        }
    }

    private String output() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            return String.join("\n", r.lines().toList());
        } catch (IOException | RuntimeException e) {
            return "(no output)";
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** As {@code [milter] servers} names it. */
    public String socket() {
        return socket;
    }

    /** What it saw, one line an event: {@code connect …}, {@code mail <a@b> auth=…}, {@code eom i=… headers=…}. */
    public List<String> events() {
        try {
            return Files.readAllLines(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        ChildProcesses.stop(process);
    }
}
