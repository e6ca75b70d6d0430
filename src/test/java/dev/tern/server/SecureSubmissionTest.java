package dev.tern.server;

import dev.tern.testing.InProcessCli;
import dev.tern.testing.RunningServer;
import dev.tern.testing.RawSmtpClient;
import dev.tern.testing.TestCertificates;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Submission with Tern's real SASL mechanisms and accounts, as mail clients use it: Angus Mail
 * over STARTTLS and implicit TLS, Python's smtplib with CRAM-MD5, sender ownership, header
 * fix-ups, relaying for authenticated users only, and brute-force throttling.
 */
class SecureSubmissionTest {

    @TempDir
    Path dir;
    RunningServer tern;
    SSLContext trusting;
    Path certificate;

    @BeforeEach
    void start() {
        certificate = dir.resolve("cert.pem");
        TestCertificates.Issued issued = TestCertificates.ec().write(certificate, dir.resolve("key.pem"), true);
        trusting = issued.trustingClient();
        tern = serve(true);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("alice@example.test", "alice-pw", true);
        tern.services().directory().addUser("bob@example.test", "bob-pw");
    }

    /** Alice has a CRAM-MD5 secret, Bob none; three failed logins lock out. */
    private RunningServer serve(boolean cramMd5) {
        return new RunningServer(dir, """
                [tls]
                cert = "cert.pem"
                key = "key.pem"
                [auth]
                lockout_failures = 3
                max_failure_delay = "50ms"
                cram_md5 = %s
                """.formatted(cramMd5), """
                submission = ["127.0.0.1:0"]
                submissions = ["127.0.0.1:0"]
                """, null);
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    private Properties client(String listener, String mechanism) {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(tern.port(listener)));
        p.put("mail.smtp.localhost", "laptop.example.test");
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.auth.mechanisms", mechanism);
        p.put("mail.smtp.ssl.socketFactory", trusting.getSocketFactory());
        if (listener.equals("submissions")) {
            p.put("mail.smtp.ssl.enable", "true");
        } else {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
        }
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "10000");
        return p;
    }

    private void send(Properties p, String user, String password, String from, String to, String subject)
            throws MessagingException {
        MimeMessage m = new MimeMessage(Session.getInstance(p));
        m.setFrom(new InternetAddress(from));
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject(subject);
        m.setText("hello from " + user);
        Transport.send(m, user, password);
    }

    @Test
    void angusMailWithPlainAndLoginOverStartTlsAndImplicitTls() throws Exception {
        send(client("submission", "PLAIN"), "alice@example.test", "alice-pw", "alice@example.test",
                "bob@example.test", "plain over 587");
        send(client("submissions", "LOGIN"), "alice@example.test", "alice-pw", "alice@example.test",
                "bob@example.test", "login over 465");
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("bob@example.test").size() == 2);
        String first = tern.content(tern.inbox("bob@example.test").get(0));
        assertThat(first).contains("with ESMTPSA").contains("Authenticated sender: alice@example.test")
                .contains("Message-ID: <");
        assertThatThrownBy(() -> send(client("submission", "PLAIN"), "alice@example.test", "wrong",
                "alice@example.test", "bob@example.test", "x")).hasMessageContaining("535");
    }

    @Test
    void angusMailWithCramMd5ThroughJavaSasl() throws Exception {
        Properties p = client("submission", "CRAM-MD5");
        p.put("mail.smtp.sasl.enable", "true");
        p.put("mail.smtp.sasl.mechanisms", "CRAM-MD5");
        send(p, "alice@example.test", "alice-pw", "alice@example.test", "bob@example.test", "cram via angus");
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("bob@example.test").size() == 1);
        assertThatThrownBy(() -> send(p, "bob@example.test", "bob-pw", "bob@example.test", "alice@example.test", "x"))
                .as("bob has no CRAM-MD5 secret").isInstanceOf(MessagingException.class);
    }

    /**
     * smtplib's login() tries CRAM-MD5 first when it is offered: Bob, who has no CRAM-MD5 secret,
     * would fail it at every login and be locked out after three. By default it is not offered.
     */
    @Test
    void pythonSmtplibLogsInAgainAndAgainWhereCramMd5IsNotOffered() throws Exception {
        tern.close();
        tern = serve(false);
        String script = """
                import smtplib, ssl, sys
                ctx = ssl.create_default_context(cafile=sys.argv[2])
                ctx.check_hostname = False
                for i in range(5):
                    with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='py.example') as s:
                        s.starttls(context=ctx)
                        s.ehlo()
                        assert 'CRAM-MD5' not in s.esmtp_features['auth'].split(), s.esmtp_features
                        s.login('bob@example.test', 'bob-pw')
                        s.sendmail('bob@example.test', ['alice@example.test'],
                                   'From: bob@example.test\\r\\nSubject: login %d\\r\\n\\r\\nhi\\r\\n' % i)
                print('sent')
                """;
        Process p = new ProcessBuilder("python3", "-c", script, String.valueOf(tern.port("submission")),
                certificate.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("alice@example.test").size() == 5);
    }

    @Test
    void pythonSmtplibWithCramMd5OverImplicitTls() throws Exception {
        String script = """
                import smtplib, ssl, sys
                ctx = ssl.create_default_context(cafile=sys.argv[2])
                ctx.check_hostname = False
                with smtplib.SMTP_SSL('127.0.0.1', int(sys.argv[1]), context=ctx, local_hostname='py.example') as s:
                    s.ehlo()
                    assert 'CRAM-MD5' in s.esmtp_features['auth'].split(), s.esmtp_features
                    s.user, s.password = 'alice@example.test', 'alice-pw'
                    code, text = s.auth('CRAM-MD5', s.auth_cram_md5)
                    assert code == 235, (code, text)
                    s.sendmail('alice@example.test', ['bob@example.test'],
                               'From: alice@example.test\\r\\nSubject: cram\\r\\n\\r\\nvia CRAM-MD5\\r\\n')
                print('sent')
                """;
        Process p = new ProcessBuilder("python3", "-c", script, String.valueOf(tern.port("submissions")),
                certificate.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("bob@example.test").size() == 1);
        String content = tern.content(tern.inbox("bob@example.test").get(0));
        assertThat(content).contains("Subject: cram").contains("Date: ").contains("Message-ID: <");
    }

    /** `tern send` as an operator runs it, in-process: returns its exit status and output. */
    private String[] ternSend(String password, String... args) {
        InProcessCli.Result r = InProcessCli.runStdoutOnly(password + "\nbody sent by tern send\n", args);
        return new String[]{String.valueOf(r.code()), r.out()};
    }

    @Test
    void ternSendWithEveryPasswordMechanismOver587And465() throws Exception {
        String[][] runs = {
                {"submission", "--starttls", "PLAIN"},
                {"submission", "--starttls", "LOGIN"},
                {"submissions", "--tls", "CRAM-MD5"},
                {"submissions", "--tls", "SCRAM-SHA-256"},
        };
        for (String[] run : runs) {
            String[] result = ternSend("alice-pw", "send", "--server", "localhost:" + tern.port(run[0]), run[1],
                    "--cafile", certificate.toString(), "--user", "alice@example.test", "--password-stdin",
                    "--mech", run[2], "--from", "alice@example.test", "--to", "bob@example.test",
                    "--subject", "via " + run[2]);
            assertThat(result[0]).as("exit status with %s; output:%n%s", run[2], result[1]).isEqualTo("0");
            assertThat(result[1]).contains("235 2.7.0").doesNotContain("alice-pw");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("bob@example.test").size() == runs.length);
        String[] wrong = ternSend("not-the-password", "send", "--server", "localhost:" + tern.port("submissions"),
                "--tls", "--cafile", certificate.toString(), "--user", "alice@example.test", "--password-stdin",
                "--mech", "SCRAM-SHA-256", "--from", "alice@example.test", "--to", "bob@example.test");
        assertThat(wrong[0]).isNotEqualTo("0");
    }

    @Test
    void ternSendAsksForRequireTlsAndOnlyOverTls() throws Exception {
        String[] sent = ternSend("alice-pw", "send", "--server", "localhost:" + tern.port("submission"), "--starttls",
                "--cafile", certificate.toString(), "--user", "alice@example.test", "--password-stdin",
                "--from", "alice@example.test", "--to", "bob@example.test", "--require-tls");
        assertThat(sent[0]).as(sent[1]).isEqualTo("0");
        assertThat(sent[1]).contains("MAIL FROM:<alice@example.test>").contains(" REQUIRETLS");
        // In plaintext the server does not offer it: nothing is sent.
        String[] plain = ternSend("", "send", "--server", "localhost:" + tern.smtpPort(),
                "--from", "carol@remote.example", "--to", "bob@example.test", "--require-tls");
        assertThat(plain[0]).isNotEqualTo("0");
        assertThat(plain[1]).doesNotContain("MAIL FROM");
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("bob@example.test").size() == 1);
    }

    private RawSmtpClient authenticated(String user, String password) throws Exception {
        RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.port("submissions"), 10_000, trusting);
        c.reply();
        c.command("EHLO laptop.example.test");
        String token = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
        assertThat(c.command("AUTH PLAIN " + token)).startsWith("235 2.7.0");
        return c;
    }

    @Test
    void aUserSendsOnlyAsAddressesTheyOwn() throws Exception {
        tern.services().directory().addAlias("sales@example.test", List.of("alice@example.test"));
        try (RawSmtpClient c = authenticated("alice@example.test", "alice-pw")) {
            assertThat(c.command("MAIL FROM:<bob@example.test>")).startsWith("553 5.7.1");
            assertThat(c.command("MAIL FROM:<sales@example.test>")).startsWith("250");
            assertThat(c.command("RCPT TO:<someone@remote.example>")).startsWith("250");
            assertThat(c.command("DATA")).startsWith("354");
            c.send("From: Bob <bob@example.test>\r\nSubject: forged\r\n\r\nbody\r\n.\r\n");
            assertThat(c.reply()).startsWith("553 5.7.1");
            assertThat(c.command("MAIL FROM:<alice+tag@example.test>")).startsWith("250");
            assertThat(c.command("RCPT TO:<someone@remote.example>")).startsWith("250");
            assertThat(c.command("DATA")).startsWith("354");
            c.send("From: Alice <alice@example.test>\r\nSubject: fine\r\n\r\nbody\r\n.\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0");
        }
        // Relayed for an authenticated user; held until outbound delivery is configured.
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.services().queue().list(10).stream()
                .flatMap(q -> q.recipients().stream()).anyMatch(r -> r.state().equals("deferred")));
    }

    @Test
    void portTwentyFiveOffersNoAuthBeforeStartTlsAndNeverRelaysForStrangers() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            c.reply();
            String ehlo = c.command("EHLO stranger.example");
            assertThat(ehlo).contains("STARTTLS").doesNotContain("AUTH");
            c.command("MAIL FROM:<x@stranger.example>");
            assertThat(c.command("RCPT TO:<someone@remote.example>")).startsWith("550 5.7.1");
        }
    }

    @Test
    void repeatedFailuresLockTheClientOut() throws Exception {
        String bad = Base64.getEncoder().encodeToString("\0alice@example.test\0guess".getBytes(StandardCharsets.UTF_8));
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.port("submissions"), 10_000, trusting)) {
            c.reply();
            c.command("EHLO attacker.example");
            for (int i = 0; i < 3; i++) {
                assertThat(c.command("AUTH PLAIN " + bad)).startsWith("535 5.7.8");
            }
            assertThat(c.command("AUTH PLAIN " + bad)).startsWith("454 4.7.0");
            String good = Base64.getEncoder().encodeToString("\0alice@example.test\0alice-pw".getBytes(StandardCharsets.UTF_8));
            assertThat(c.command("AUTH PLAIN " + good)).startsWith("454 4.7.0");
        }
    }
}
