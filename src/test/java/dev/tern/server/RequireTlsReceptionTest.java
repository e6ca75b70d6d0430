package dev.tern.server;

import dev.tern.testing.LoopbackPorts;
import dev.tern.testing.RunningServer;
import dev.tern.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * REQUIRETLS (RFC 8689) as clients meet it, with Python's smtplib: offered and taken only over
 * TLS, and kept with the message. The smarthost here is configured without TLS, so a message that
 * asked for REQUIRETLS comes back to its sender at once while other mail waits for the smarthost
 * (a closed port): the bounce shows that the requirement was kept.
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
                tls = "none"
                """.formatted(closed), """
                submission = ["127.0.0.1:0"]
                """, null);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("alice@example.test", "alice-pw");
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    @Test
    void offeredAndTakenOnlyOverTlsAndKeptWithTheMessage() throws Exception {
        String script = """
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
                print('sent')
                """;
        Process p = new ProcessBuilder("python3", "-c", script, String.valueOf(tern.smtpPort()),
                String.valueOf(tern.port("submission")), certificate.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();

        // The message from port 25 is delivered as any other; the one for bob comes back.
        await().atMost(Duration.ofSeconds(20)).until(() -> tern.inbox("alice@example.test").size() == 2);
        String bounce = tern.inbox("alice@example.test").stream().map(tern::content)
                .filter(c -> c.contains("Status: 5.7.30")).findFirst().orElseThrow();
        assertThat(bounce).contains("bob@remote.test").contains("smarthost").contains("Subject: required")
                .doesNotContain("confidential body");
        // The ordinary message waits for the smarthost.
        await().atMost(Duration.ofSeconds(20)).until(() -> tern.services().queue().list(10).stream()
                .flatMap(m -> m.recipients().stream())
                .anyMatch(r -> r.address().equals("dave@remote.test") && r.state().equals("deferred")));
        assertThat(tern.inbox("alice@example.test")).hasSize(2);
    }
}
