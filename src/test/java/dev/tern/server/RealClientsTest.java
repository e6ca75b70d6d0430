package dev.tern.server;

import dev.tern.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Debian's swaks and Python's smtplib, as operators and scripts use them, against a running
 * server. Both tools are installed by .ci/run; a missing tool fails the test instead of skipping it.
 */
class RealClientsTest {

    @TempDir
    Path dir;
    RunningServer tern;

    @BeforeEach
    void start() {
        tern = new RunningServer(dir, "");
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("alice@example.test", "a");
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    private static String run(List<String> command, String stdin) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command.get(0)).isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("exit status of %s; output:%n%s", command, output).isZero();
        return output;
    }

    @Test
    void swaksWithPipelining() throws Exception {
        String out = run(List.of("swaks", "--server", "127.0.0.1", "--port", String.valueOf(tern.smtpPort()),
                "--pipeline", "--from", "ops@example.org", "--to", "alice@example.test",
                "--header", "Subject: from swaks", "--body", "sent by swaks"), null);
        assertThat(out).contains("250 2.0.0 Ok: queued as");
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("alice@example.test").size() == 1);
        assertThat(tern.content(tern.inbox("alice@example.test").get(0))).contains("Subject: from swaks")
                .contains("sent by swaks");
    }

    @Test
    void pythonSmtplibWithUtf8Addresses() throws Exception {
        tern.services().directory().addUser("jörg@example.test", "j");
        String script = """
                import smtplib, sys
                from email.message import EmailMessage
                m = EmailMessage()
                m['From'] = 'sender@example.org'
                m['To'] = 'jörg@example.test'
                m['Subject'] = 'Grüße'
                m.set_content('Hallo Jörg')
                with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='py.example') as s:
                    s.ehlo()
                    assert s.has_extn('smtputf8'), s.esmtp_features
                    refused = s.send_message(m, mail_options=['SMTPUTF8'])
                    assert not refused, refused
                print('sent')
                """;
        String out = run(List.of("python3", "-c", script, String.valueOf(tern.smtpPort())), null);
        assertThat(out).contains("sent");
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("jörg@example.test").size() == 1);
        assertThat(tern.content(tern.inbox("jörg@example.test").get(0))).contains("Delivered-To: jörg@example.test");
    }
}
