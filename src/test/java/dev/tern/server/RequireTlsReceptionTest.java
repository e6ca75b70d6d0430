package dev.tern.server;

import dev.tern.store.Rows;
import dev.tern.testing.InProcessCli;
import dev.tern.testing.LogLines;
import dev.tern.testing.LoopbackPorts;
import dev.tern.testing.RunningServer;
import dev.tern.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * REQUIRETLS (RFC 8689) as clients meet it, with Python's smtplib: offered and taken only over
 * TLS, and kept with the message and with what Sieve makes of it. Remote mail goes to a smarthost
 * on a closed port, so it waits in the queue, where the requirement can be seen.
 */
class RequireTlsReceptionTest {

    @TempDir
    Path dir;
    RunningServer tern;
    Path certificate;

    @BeforeEach
    void start() throws Exception {
        certificate = dir.resolve("cert.pem");
        TestCertificates.ec().write(certificate, dir.resolve("key.pem"), true);
        int closed = LoopbackPorts.freeOnAll("127.0.0.1");
        tern = new RunningServer(dir, """
                [tls]
                cert = "cert.pem"
                key = "key.pem"
                [delivery.smarthost]
                host = "127.0.0.1"
                port = %d
                """.formatted(closed), """
                submission = ["127.0.0.1:0"]
                """, null);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("alice@example.test", "alice-pw");
        tern.services().directory().addUser("bob@example.test", "bob-pw");
    }

    /** Runs Python's smtplib with {@code script}, given the smtp and submission ports and the certificate. */
    private void python(String script) throws Exception {
        Process p = new ProcessBuilder("python3", "-c", script, String.valueOf(tern.smtpPort()),
                String.valueOf(tern.port("submission")), certificate.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
    }

    /** The queued message with a recipient {@code address}, once it is there. */
    private Rows.QueuedMessage queuedFor(String address) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> tern.services().queue().list(10).stream()
                .filter(m -> m.recipients().stream().anyMatch(r -> r.address().equals(address)))
                .map(Rows.QueueSummary::message).findFirst(), java.util.Optional::isPresent).get();
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    @Test
    void offeredAndTakenOnlyOverTlsAndKeptWithTheMessage() throws Exception {
        try (LogLines log = LogLines.of("dev.tern.smtp")) {
            python("""
                    import smtplib, ssl, sys
                    ctx = ssl.create_default_context(cafile=sys.argv[3])
                    ctx.check_hostname = False
                    msg = 'From: alice@example.test\\r\\nSubject: %s\\r\\n\\r\\nconfidential body\\r\\n'
                    with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='py.example') as s:
                        s.ehlo()
                        assert not s.has_extn('requiretls'), s.esmtp_features
                        code, text = s.mail('carol@remote.test', ['REQUIRETLS'])
                        assert code == 530 and text.startswith(b'5.7.10'), (code, text)
                        s.starttls(context=ctx)
                        s.ehlo()
                        assert s.has_extn('requiretls'), s.esmtp_features
                        code, text = s.mail('carol@remote.test', ['REQUIRETLS=YES'])
                        assert code == 501, (code, text)
                        s.sendmail('carol@remote.test', ['alice@example.test'], msg % 'inbound', mail_options=['REQUIRETLS'])
                    with smtplib.SMTP('127.0.0.1', int(sys.argv[2]), local_hostname='py.example') as s:
                        s.starttls(context=ctx)
                        s.login('alice@example.test', 'alice-pw')
                        s.sendmail('alice@example.test', ['bob@remote.test'], msg % 'required', mail_options=['REQUIRETLS'])
                        s.sendmail('alice@example.test', ['dave@remote.test'], msg % 'ordinary')
                    """);

            // The message from port 25 is delivered as any other; the submitted ones wait, the one
            // that asked for REQUIRETLS with it.
            await().atMost(Duration.ofSeconds(20)).until(() -> tern.inbox("alice@example.test").size() == 1);
            assertThat(queuedFor("bob@remote.test").requireTls()).isTrue();
            assertThat(queuedFor("dave@remote.test").requireTls()).isFalse();
            String id = queuedFor("bob@remote.test").id();
            assertThat(InProcessCli.run(dir.resolve("tern.toml"), null, "queue", "show", id).out())
                    .contains("requiretls:  yes");
            // The transaction's log line says so; the ordinary message's does not.
            assertThat(log.messages()).filteredOn(l -> l.contains("result=queued"))
                    .anyMatch(l -> l.startsWith(id + ": ") && l.contains("to=<bob@remote.test> requiretls=yes"))
                    .anyMatch(l -> l.contains("to=<dave@remote.test> size="));
        }
    }

    @Test
    void whatSieveMakesOfSuchAMessageKeepsTheRequirement() throws Exception {
        Path file = dir.resolve("bob.sieve");
        Files.writeString(file, """
                require ["vacation"];
                redirect "erin@remote.test";
                vacation :days 1 "Away this week";
                """, StandardCharsets.UTF_8);
        assertThat(InProcessCli.run(dir.resolve("tern.toml"), null, "sieve", "put", "bob@example.test", "main",
                file.toString(), "--activate").code()).isZero();
        python("""
                import smtplib, ssl, sys
                ctx = ssl.create_default_context(cafile=sys.argv[3])
                ctx.check_hostname = False
                with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='py.example') as s:
                    s.starttls(context=ctx)
                    s.sendmail('carol@remote.test', ['bob@example.test'],
                               'From: carol@remote.test\\r\\nTo: bob@example.test\\r\\nSubject: plans\\r\\n\\r\\nbody\\r\\n',
                               mail_options=['REQUIRETLS'])
                """);
        // The redirected copy and the vacation reply (which repeats the subject) both wait for
        // verified TLS.
        assertThat(queuedFor("erin@remote.test").requireTls()).isTrue();
        assertThat(queuedFor("carol@remote.test").requireTls()).isTrue();
    }
}
