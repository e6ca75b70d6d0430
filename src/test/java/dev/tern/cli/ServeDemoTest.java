package dev.tern.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * `tern serve --demo` as the README's quick start runs it, in a process of its own: the demo
 * account takes mail from the first moment its SMTP port accepts a connection.
 */
class ServeDemoTest {

    @TempDir
    Path dir;

    @Test
    void theDemoAccountTakesMailAsSoonAsTheSmtpPortOpens() throws Exception {
        for (int port : new int[]{2525, 1993, 1995, 8080}) {
            assumeTrue(free(port), "port " + port + " is taken (is a demo running?)");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path config = dir.resolve("tern.toml");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.tern.cli.TernCommand", "serve", "--demo", "--config", config.toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve("serve.log").toFile());
        Process server = pb.start();
        try {
            try (Socket s = connectAsSoonAsOpen(2525);
                 BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))) {
                OutputStream out = s.getOutputStream();
                assertThat(in.readLine()).startsWith("220 ");
                assertThat(say(out, in, "HELO client.example.org")).startsWith("250 ");
                assertThat(say(out, in, "MAIL FROM:<someone@example.org>")).startsWith("250 ");
                assertThat(say(out, in, "RCPT TO:<demo@demo.test>")).startsWith("250 ");
                assertThat(say(out, in, "DATA")).startsWith("354 ");
                assertThat(say(out, in, "Subject: first\r\n\r\nhello\r\n.")).startsWith("250 ");
                say(out, in, "QUIT");
            }
            String log = waitForLog(dir.resolve("serve.log"), "Demo account: demo@demo.test");
            assertThat(log).containsPattern("Demo account: demo@demo\\.test +password: \\S+");
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Tries every 10 ms, so that the first connection comes right after the listener opens. */
    private static Socket connectAsSoonAsOpen(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            try {
                return new Socket("127.0.0.1", port);
            } catch (IOException e) {
                Thread.sleep(10);
            }
        }
        throw new AssertionError("serve --demo did not open port " + port + " within 120 s");
    }

    private static String say(OutputStream out, BufferedReader in, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return in.readLine();
    }

    private static String waitForLog(Path log, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String content = "";
        while (System.nanoTime() < deadline) {
            content = Files.exists(log) ? Files.readString(log) : "";
            if (content.contains(text)) {
                return content;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("serve --demo never printed \"" + text + "\":\n" + content);
    }
}
