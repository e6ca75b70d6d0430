package dev.tern.server;

import dev.tern.testing.AngusSubmission;
import dev.tern.testing.LoopbackPorts;
import dev.tern.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The milter people run most: Debian's opendkim, signing what users submit through Tern, and the
 * signature checked by dkimpy, a verifier of its own.
 */
class OpendkimMilterTest {

    @TempDir
    Path dir;
    private Process opendkim;
    private RunningServer tern;

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
        if (opendkim != null) {
            opendkim.destroy();
            try {
                opendkim.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            opendkim.destroyForcibly();
        }
    }

    @Test
    void opendkimSignsSubmittedMailThroughTheMilterProtocol() throws Exception {
        run("opendkim-genkey", "-b", "2048", "-d", "tern.test", "-s", "milter", "-D", dir.toString());
        int port = LoopbackPorts.freeOnAll("127.0.0.1");
        Path conf = dir.resolve("opendkim.conf");
        Files.writeString(conf, """
                Syslog no
                Mode sv
                Domain tern.test
                Selector milter
                KeyFile %s
                Socket inet:%d@127.0.0.1
                PidFile %s
                Canonicalization relaxed/simple
                Background no
                RequireSafeKeys false
                """.formatted(dir.resolve("milter.private"), port, dir.resolve("opendkim.pid")));
        opendkim = new ProcessBuilder("opendkim", "-f", "-x", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("opendkim.log").toFile()).start();
        waitForPort(port);

        tern = new RunningServer(Files.createDirectories(dir.resolve("tern")), "[milter]\nservers = [\"inet:" + port + "@127.0.0.1\"]\n"
                + "listeners = [\"submission\"]\n", "submission = [\"127.0.0.1:0\"]\n", null);
        tern.services().directory().addDomain("tern.test");
        tern.services().directory().addUser("carol@tern.test", "carol-pw");
        tern.services().directory().addUser("bob@tern.test", "bob-pw");

        AngusSubmission.send(tern.port("submission"), "carol@tern.test", "carol-pw", "carol@tern.test", "bob@tern.test",
                "signed by opendkim", "Hello Bob,\n\nthis message was signed by a milter.\n");

        await().atMost(Duration.ofSeconds(30)).until(() -> !tern.inbox("bob@tern.test").isEmpty());
        String stored = tern.content(tern.inbox("bob@tern.test").get(0));
        assertThat(stored).contains("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/simple; d=tern.test; s=milter;");

        Path message = dir.resolve("message.eml");
        Files.writeString(message, stored, StandardCharsets.UTF_8);
        Path dns = dir.resolve("dns.txt");
        Matcher quoted = Pattern.compile("\"([^\"]*)\"").matcher(Files.readString(dir.resolve("milter.txt")));
        StringBuilder record = new StringBuilder();
        while (quoted.find()) {
            record.append(quoted.group(1));
        }
        Files.writeString(dns, "milter._domainkey.tern.test\t" + record + "\n");
        Path script = dir.resolve("verify_dkim.py");
        try (InputStream in = getClass().getResourceAsStream("/dkim/verify_dkim.py");
             OutputStream out = Files.newOutputStream(script)) {
            in.transferTo(out);
        }
        String verdict = run(dev.tern.testing.DkimpySigner.python(), script.toString(), message.toString(), dns.toString());
        assertThat(verdict).startsWith("pass 0 milter rsa-sha256");
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }

    private void waitForPort(int port) throws IOException {
        Instant end = Instant.now().plusSeconds(30);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                if (!opendkim.isAlive() || Instant.now().isAfter(end)) {
                    throw new IllegalStateException("opendkim did not start: " + Files.readString(dir.resolve("opendkim.log")));
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(ie);
                }
            }
        }
    }
}
