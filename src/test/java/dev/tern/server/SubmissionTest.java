package dev.tern.server;

import dev.tern.store.Rows;
import dev.tern.testing.FakeSaslAuthenticator;
import dev.tern.testing.RunningServer;
import dev.tern.testing.RawSmtpClient;
import dev.tern.testing.TestCertificates;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The submission listeners of a running server, used by a real mail client (Angus Mail) over
 * STARTTLS (587) and implicit TLS (465), against a fake PLAIN/LOGIN authenticator.
 */
class SubmissionTest {

    private static final String PASSWORD = "correct horse";

    @TempDir
    Path dir;
    RunningServer tern;
    SSLContext client;

    @BeforeEach
    void start() {
        TestCertificates.Issued issued = TestCertificates.ec().write(dir.resolve("cert.pem"), dir.resolve("key.pem"), true);
        client = issued.trustingClient();
        FakeSaslAuthenticator sasl = new FakeSaslAuthenticator(Map.of("alice@example.test", PASSWORD), false,
                Duration.ofMillis(10));
        tern = new RunningServer(dir, """
                [tls]
                cert = "cert.pem"
                key = "key.pem"
                """, """
                submission = ["127.0.0.1:0"]
                submissions = ["127.0.0.1:0"]
                """, services -> sasl);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("alice@example.test", PASSWORD);
        tern.services().directory().addUser("bob@example.test", "b");
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    private Properties mailProperties(String listener) {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(tern.port(listener)));
        p.put("mail.smtp.localhost", "laptop.example.test");
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.ssl.socketFactory", client.getSocketFactory());
        p.put("mail.smtp.ssl.checkserveridentity", "true");
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "10000");
        return p;
    }

    private void send(Properties p, String subject) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(p));
        m.setFrom(new InternetAddress("alice@example.test"));
        m.setRecipients(Message.RecipientType.TO, "bob@example.test, friend@remote.example");
        m.setSubject(subject);
        m.setText("sent with Angus Mail");
        Transport.send(m, "alice@example.test", PASSWORD);
    }

    @Test
    void angusMailOverStartTlsRelaysForTheAuthenticatedUser() throws Exception {
        Properties p = mailProperties("submission");
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        send(p, "over STARTTLS");

        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("bob@example.test").size() == 1);
        String content = tern.content(tern.inbox("bob@example.test").get(0));
        assertThat(content).contains("(Authenticated sender: alice@example.test)", "with ESMTPSA",
                "(using TLSv1.3 with cipher ", "Subject: over STARTTLS");

        // The remote recipient waits in the queue while DNS does not answer: deferred, not bounced.
        await().atMost(Duration.ofSeconds(10)).until(() -> remoteRecipient().state().equals("deferred"));
        Rows.QueueRecipient remote = remoteRecipient();
        assertThat(remote.lastError()).startsWith("4.4.3 DNS lookup of remote.example/MX");
        Rows.QueuedMessage message = tern.services().queue().list(10).get(0).message();
        assertThat(message.authUser()).isEqualTo("alice@example.test");
        assertThat(message.listener()).isEqualTo("submission");
    }

    @Test
    void angusMailOverImplicitTls() throws Exception {
        Properties p = mailProperties("submissions");
        p.put("mail.smtp.ssl.enable", "true");
        send(p, "over implicit TLS");
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("bob@example.test").size() == 1);
        assertThat(tern.content(tern.inbox("bob@example.test").get(0))).contains("Subject: over implicit TLS");
        Rows.QueuedMessage message = tern.services().queue().list(10).get(0).message();
        assertThat(message.listener()).isEqualTo("submissions");
    }

    @Test
    void port25RelaysOnlyForAuthenticatedClients() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            assertThat(c.command("EHLO client.test")).contains("STARTTLS").doesNotContain("AUTH");
            RawSmtpClient.expect(c.command("MAIL FROM:<someone@elsewhere.example>"), "250");
            assertThat(c.command("RCPT TO:<friend@remote.example>"))
                    .isEqualTo("550 5.7.1 <friend@remote.example>: Relay access denied");
            RawSmtpClient.expect(c.command("RCPT TO:<bob@example.test>"), "250");
        }
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.port("submission"), 10_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO client.test"), "250");
            assertThat(c.command("MAIL FROM:<alice@example.test>")).isEqualTo("530 5.7.0 Authentication required");
        }
    }

    private Rows.QueueRecipient remoteRecipient() {
        List<Rows.QueueSummary> queued = tern.services().queue().list(10);
        return queued.stream().flatMap(s -> s.recipients().stream())
                .filter(r -> r.address().equals("friend@remote.example")).findFirst().orElseThrow();
    }
}
