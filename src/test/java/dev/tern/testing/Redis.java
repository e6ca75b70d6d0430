package dev.tern.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A private redis-server (Debian's {@code redis-server} package) on a free 127.0.0.1 port, in
 * memory only, with its working directory in one of the test's; not the system's service. It is
 * what rspamd keeps its Bayes statistics in (see {@link Rspamd#start(Path, Redis)}).
 */
public final class Redis implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(20);

    private final Process process;
    private final int port;
    private final Path output;

    private Redis(Process process, int port, Path output) {
        this.process = process;
        this.port = port;
        this.output = output;
    }

    /** Starts it with {@code dir} (which must exist) as its working directory and waits until it answers PING. */
    public static Redis start(Path dir) throws IOException {
        return LoopbackPorts.retryWhileTaken(() -> launch(dir, LoopbackPorts.freeOnAll("127.0.0.1")),
                Redis::awaitReady);
    }

    public int port() {
        return port;
    }

    /** {@code host:port}, as rspamd's {@code servers} setting takes it. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /**
     * Sends one command and returns its answer: a simple or bulk string as such (null for a nil),
     * an integer in decimal, an array's elements a line each; an error answer throws.
     */
    public String command(String... args) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5_000);
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            for (String a : args) {
                byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
                request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
                request.writeBytes(bytes);
                request.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            OutputStream out = s.getOutputStream();
            out.write(request.toByteArray());
            out.flush();
            return reply(s.getInputStream());
        }
    }

    private static String reply(InputStream in) throws IOException {
        String line = line(in);
        if (line.isEmpty()) {
            throw new IOException("empty redis reply");
        }
        String rest = line.substring(1);
        switch (line.charAt(0)) {
            case '+', ':' -> {
                return rest;
            }
            case '-' -> throw new IOException("redis: " + rest);
            case '$' -> {
                int n = Integer.parseInt(rest);
                if (n < 0) {
                    return null;
                }
                byte[] data = in.readNBytes(n);
                in.readNBytes(2);
                return new String(data, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int n = Integer.parseInt(rest);
                List<String> items = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    items.add(reply(in));
                }
                return String.join("\n", items);
            }
            default -> throw new IOException("unexpected redis reply: " + line);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        if (c < 0 && b.size() == 0) {
            throw new IOException("redis closed the connection");
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    /** What it printed, for failure messages. */
    public String output() {
        try {
            return Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static Redis launch(Path dir, int port) throws IOException {
        Path output = dir.resolve("redis.out");
        Files.deleteIfExists(output);
        // No snapshot, no append-only file: the data dies with the process, and nothing is written
        // outside dir.
        List<String> command = List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no",
                "--logfile", "");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            return new Redis(p, port, output);
        } catch (IOException e) {
            throw new IOException("cannot run redis-server (apt-get install redis-server): " + e.getMessage(), e);
        }
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (true) {
            try {
                if ("PONG".equals(command("PING"))) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!process.isAlive()) {
                throw new IOException("redis-server exited (" + process.exitValue() + ") before it was ready:\n"
                        + output());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("redis-server did not answer on " + address() + " within "
                        + STARTUP.toSeconds() + " s:\n" + output());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }


    @Override
    public void close() {
        ChildProcesses.stop(process);
    }
}
