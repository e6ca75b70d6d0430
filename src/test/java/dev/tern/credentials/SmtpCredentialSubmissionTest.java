package dev.tern.credentials;

import dev.tern.auth.AuthContext;
import dev.tern.auth.SaslAuthenticator;
import dev.tern.auth.SaslStart;
import dev.tern.auth.SaslStep;
import dev.tern.server.TernServer;
import dev.tern.store.Rows;
import dev.tern.testing.InProcessCli;
import dev.tern.testing.RawSmtpClient;
import dev.tern.testing.RunningServer;
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
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * SMTP credentials of applications on a running server, with real clients: Angus Mail with AUTH
 * PLAIN over STARTTLS, {@code tern send} with SCRAM-SHA-256 over implicit TLS; the sender scope,
 * revocation, the rate limit, and the usage counts.
 */
class SmtpCredentialSubmissionTest {

    @TempDir
    Path dir;
    RunningServer tern;
    SSLContext trusting;
    Path certificate;
    SmtpCredentials credentials;

    @BeforeEach
    void start() {
        certificate = dir.resolve("cert.pem");
        TestCertificates.Issued issued = TestCertificates.ec().write(certificate, dir.resolve("key.pem"), true);
        trusting = issued.trustingClient();
        tern = new RunningServer(dir, """
                [tls]
                cert = "cert.pem"
                key = "key.pem"
                """, """
                submission = ["127.0.0.1:0"]
                submissions = ["127.0.0.1:0"]
                """, null);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addDomain("other.test");
        tern.services().directory().addUser("bob@example.test", "bob-pw");
        credentials = tern.services().smtpCredentials();
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    private NewSmtpCredential create(List<String> senders, String rate) {
        return credentials.create(new CredentialRequest("example.test", senders,
                rate == null ? null : SendRate.parse(rate), null, false));
    }

    private Properties startTls(String mechanism) {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(tern.port("submission")));
        p.put("mail.smtp.localhost", "app.example.test");
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.auth.mechanisms", mechanism);
        p.put("mail.smtp.ssl.socketFactory", trusting.getSocketFactory());
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "10000");
        return p;
    }

    private static void send(Properties p, String user, String secret, String from, String to) throws MessagingException {
        MimeMessage m = new MimeMessage(Session.getInstance(p));
        m.setFrom(new InternetAddress(from));
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject("order shipped");
        m.setText("sent by an application");
        Transport.send(m, user, secret);
    }

    private RawSmtpClient authenticated(String user, String secret) throws Exception {
        RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.port("submissions"), 10_000, trusting);
        c.reply();
        c.command("EHLO app.example.test");
        assertThat(c.command("AUTH PLAIN " + plain(user, secret))).startsWith("235 2.7.0");
        return c;
    }

    private static String plain(String user, String secret) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** {@code tern send} in-process, the secret on standard input; returns exit status and transcript. */
    private static String[] ternSend(String secret, String... args) {
        InProcessCli.Result r = InProcessCli.runStdoutOnly(secret + "\nbody sent by tern send\n", args);
        return new String[]{String.valueOf(r.code()), r.out()};
    }

    @Test
    void aCredentialSendsWithPlainThroughAngusMail() throws Exception {
        NewSmtpCredential c = create(List.of(), null);
        assertThat(c.credential().name()).matches("app-[a-z2-9]{8}@example\\.test");
        assertThat(c.secret()).hasSize(32);
        assertThat(c.toString()).doesNotContain(c.secret());

        send(startTls("PLAIN"), c.credential().name(), c.secret(), "noreply@example.test", "bob@example.test");
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("bob@example.test").size() == 1);
        assertThat(tern.content(tern.inbox("bob@example.test").get(0)))
                .contains("Authenticated sender: " + c.credential().name()).contains("with ESMTPSA");
        assertThatThrownBy(() -> send(startTls("PLAIN"), c.credential().name(), "not-the-secret",
                "noreply@example.test", "bob@example.test")).hasMessageContaining("535");
    }

    @Test
    void aCredentialSendsWithScramThroughTernSend() throws Exception {
        NewSmtpCredential c = create(List.of("noreply@example.test"), null);
        String[] result = ternSend(c.secret(), "send", "--server", "localhost:" + tern.port("submissions"), "--tls",
                "--cafile", certificate.toString(), "--user", c.credential().name(), "--password-stdin",
                "--mech", "SCRAM-SHA-256", "--from", "noreply@example.test", "--to", "bob@example.test",
                "--subject", "via SCRAM");
        assertThat(result[0]).as(result[1]).isEqualTo("0");
        assertThat(result[1]).contains("-> AUTH SCRAM-SHA-256").contains("235 2.7.0").doesNotContain(c.secret());
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("bob@example.test").size() == 1);
    }

    @Test
    void sendersOutsideTheScopeAreRefused() throws Exception {
        NewSmtpCredential c = create(List.of("noreply@example.test", "@other.test"), null);
        try (RawSmtpClient s = authenticated(c.credential().name(), c.secret())) {
            assertThat(s.command("MAIL FROM:<bob@example.test>"))
                    .isEqualTo("553 5.7.1 <bob@example.test>: Sender address rejected: not in the scope of SMTP credential "
                            + c.credential().name());
            assertThat(s.command("MAIL FROM:<someone@elsewhere.example>")).startsWith("553 5.7.1");
            assertThat(s.command("MAIL FROM:<noreply+bounce-42@example.test>")).startsWith("250");
            assertThat(s.command("RCPT TO:<bob@example.test>")).startsWith("250");
            assertThat(s.command("DATA")).startsWith("354");
            s.send("From: Bob <bob@example.test>\r\nSubject: forged\r\n\r\nbody\r\n.\r\n");
            assertThat(s.reply()).startsWith("553 5.7.1 <bob@example.test>: From: header address rejected");
            assertThat(s.command("MAIL FROM:<anyone@other.test>")).startsWith("250");
            assertThat(s.command("RCPT TO:<someone@remote.example>")).startsWith("250");
            assertThat(s.command("DATA")).startsWith("354");
            s.send("From: Shop <shop@other.test>\r\nSubject: fine\r\n\r\nbody\r\n.\r\n");
            assertThat(s.reply()).startsWith("250 2.0.0");
        }
        // Angus Mail gets the refusal too.
        assertThatThrownBy(() -> send(startTls("LOGIN"), c.credential().name(), c.secret(), "ceo@example.test",
                "bob@example.test")).hasMessageContaining("553");
    }

    @Test
    void aRevokedCredentialFailsLikeAWrongPasswordAndOpenSessionsStopAtMail() throws Exception {
        NewSmtpCredential c = create(List.of(), null);
        try (RawSmtpClient open = authenticated(c.credential().name(), c.secret())) {
            SmtpCredential revoked = credentials.revoke(c.credential().name());
            assertThat(revoked.revoked()).isTrue();
            assertThat(open.command("MAIL FROM:<noreply@example.test>")).startsWith("530 5.7.0 SMTP credential "
                    + c.credential().name() + " has been revoked");
        }
        try (RawSmtpClient s = new RawSmtpClient("127.0.0.1", tern.port("submissions"), 10_000, trusting)) {
            s.reply();
            s.command("EHLO app.example.test");
            assertThat(s.command("AUTH PLAIN " + plain(c.credential().name(), c.secret()))).startsWith("535 5.7.8");
        }
        String[] scram = ternSend(c.secret(), "send", "--server", "localhost:" + tern.port("submissions"), "--tls",
                "--cafile", certificate.toString(), "--user", c.credential().name(), "--password-stdin",
                "--mech", "SCRAM-SHA-256", "--from", "noreply@example.test", "--to", "bob@example.test");
        String[] wrong = ternSend("not-the-secret", "send", "--server", "localhost:" + tern.port("submissions"), "--tls",
                "--cafile", certificate.toString(), "--user", c.credential().name(), "--password-stdin",
                "--mech", "SCRAM-SHA-256", "--from", "noreply@example.test", "--to", "bob@example.test");
        assertThat(scram[0]).isEqualTo("1").isEqualTo(wrong[0]);
        assertThat(scram[1]).contains("535 5.7.8");
        assertThat(wrong[1]).contains("535 5.7.8");
    }

    @Test
    void theRateLimitTripsAtMail() throws Exception {
        NewSmtpCredential c = create(List.of(), "2/1h");
        try (RawSmtpClient s = authenticated(c.credential().name(), c.secret())) {
            assertThat(s.command("MAIL FROM:<bob@elsewhere.example>")).as("refused senders take nothing").startsWith("553");
            assertThat(s.command("MAIL FROM:<noreply@example.test>")).startsWith("250");
            s.command("RSET");
            assertThat(s.command("MAIL FROM:<noreply@example.test>")).startsWith("250");
            s.command("RSET");
            assertThat(s.command("MAIL FROM:<noreply@example.test>"))
                    .matches("451 4\\.7\\.1 Rate limit of " + c.credential().name().replace(".", "\\.")
                            + " reached \\(2 messages per 1h\\), try again in \\d+s");
        }
    }

    @Test
    void usageCountsAndLastUseMove() throws Exception {
        NewSmtpCredential c = create(List.of(), null);
        assertThat(c.credential().messagesSent()).isZero();
        assertThat(c.credential().lastUsedAt()).isNull();
        Instant before = Instant.now();
        try (RawSmtpClient s = authenticated(c.credential().name(), c.secret())) {
            for (int i = 0; i < 2; i++) {
                assertThat(s.sendMail("noreply@example.test", List.of("bob@example.test"),
                        "From: noreply@example.test\r\nSubject: " + i + "\r\n\r\nbody\r\n")).startsWith("250 2.0.0");
            }
        }
        SmtpCredential used = credentials.credential(c.credential().name()).orElseThrow();
        assertThat(used.messagesSent()).isEqualTo(2);
        assertThat(used.lastUsedAt()).isAfterOrEqualTo(before.minusMillis(1));

        credentials.flushUsage();
        Rows.SmtpCredential row = tern.services().metadata()
                .read(tx -> tx.smtpCredentials().credential(c.credential().name())).orElseThrow();
        assertThat(row.messagesSent()).isEqualTo(2);
        assertThat(row.lastUsedAt()).isEqualTo(used.lastUsedAt());
        assertThat(credentials.credential(c.credential().name()).orElseThrow().messagesSent()).as("not counted twice")
                .isEqualTo(2);
    }

    @Test
    void credentialsLogInOnSmtpOnlyNotImapOrPop3() {
        NewSmtpCredential c = create(List.of(), null);
        SaslAuthenticator auth = TernServer.authenticator(tern.services());
        byte[] response = ("\0" + c.credential().name() + "\0" + c.secret()).getBytes(StandardCharsets.UTF_8);
        for (String protocol : List.of("smtp", "imap", "pop")) {
            AuthContext context = new AuthContext(InetAddress.getLoopbackAddress(), true, protocol, "mx.tern.test");
            SaslStep step = ((SaslStart.Started) auth.start("PLAIN", context)).exchange().step(response);
            assertThat(step instanceof SaslStep.Success).as(protocol).isEqualTo(protocol.equals("smtp"));
        }
    }
}
