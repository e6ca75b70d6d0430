package dev.tern.server;

import dev.tern.credentials.CredentialRequest;
import dev.tern.credentials.NewSmtpCredential;
import dev.tern.testing.RawSmtpClient;
import dev.tern.testing.RunningServer;
import dev.tern.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code [submission] require_verified_domain}: mail that leaves the server must come from a
 * domain whose ownership is verified, in the envelope and in From:; mail to local recipients and
 * mail from verified domains pass.
 */
class RequireVerifiedDomainTest {

    @TempDir
    Path dir;
    RunningServer tern;
    SSLContext trusting;

    @BeforeEach
    void start() {
        TestCertificates.Issued issued = TestCertificates.ec().write(dir.resolve("cert.pem"), dir.resolve("key.pem"), true);
        trusting = issued.trustingClient();
        tern = new RunningServer(dir, """
                [tls]
                cert = "cert.pem"
                key = "key.pem"
                [submission]
                require_verified_domain = true
                """, """
                submissions = ["127.0.0.1:0"]
                """, null);
        tern.services().onboarding().addDomain("example.test");
        tern.services().onboarding().addDomain("verified.test");
        tern.services().directory().addUser("alice@example.test", "alice-pw");
        tern.services().directory().addUser("bob@example.test", "bob-pw");
        tern.services().directory().addSendAs("alice@example.test", "@verified.test");
        tern.services().metadata().writeAndWait(tx -> tx.domainOwnership()
                .markVerified(tx.directory().domain("verified.test").orElseThrow().id(), Instant.now()));
    }

    @AfterEach
    void stop() {
        tern.close();
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
    void unverifiedSenderDomainsReachLocalRecipientsOnly() throws Exception {
        assertThat(tern.services().domainOwnership().isVerified("example.test")).isFalse();
        try (RawSmtpClient c = authenticated("alice@example.test", "alice-pw")) {
            assertThat(c.command("MAIL FROM:<alice@example.test>")).startsWith("250");
            assertThat(c.command("RCPT TO:<bob@example.test>")).startsWith("250");
            assertThat(c.command("RCPT TO:<someone@remote.example>"))
                    .isEqualTo("550 5.7.1 Sender domain example.test is not verified");
            assertThat(c.command("DATA")).startsWith("354");
            c.send("From: alice@example.test\r\nSubject: local\r\n\r\nbody\r\n.\r\n");
            assertThat(c.reply()).as("to local recipients only").startsWith("250 2.0.0");

            assertThat(c.command("MAIL FROM:<alice@verified.test>")).startsWith("250");
            assertThat(c.command("RCPT TO:<someone@remote.example>")).startsWith("250");
            assertThat(c.command("DATA")).startsWith("354");
            c.send("From: alice@example.test\r\nSubject: From: not verified\r\n\r\nbody\r\n.\r\n");
            assertThat(c.reply()).isEqualTo("550 5.7.1 Sender domain example.test is not verified");

            assertThat(c.command("MAIL FROM:<alice@verified.test>")).startsWith("250");
            assertThat(c.command("RCPT TO:<someone@remote.example>")).startsWith("250");
            assertThat(c.command("DATA")).startsWith("354");
            c.send("From: Alice <alice@verified.test>\r\nSubject: fine\r\n\r\nbody\r\n.\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0");
        }
    }

    @Test
    void theNullSenderIsJudgedByItsFromAndCredentialsAreCheckedToo() throws Exception {
        try (RawSmtpClient c = authenticated("alice@example.test", "alice-pw")) {
            assertThat(c.command("MAIL FROM:<>")).startsWith("250");
            assertThat(c.command("RCPT TO:<someone@remote.example>")).startsWith("250");
            assertThat(c.command("DATA")).startsWith("354");
            c.send("From: alice@example.test\r\nSubject: receipt\r\n\r\nbody\r\n.\r\n");
            assertThat(c.reply()).isEqualTo("550 5.7.1 Sender domain example.test is not verified");
        }
        NewSmtpCredential app = tern.services().smtpCredentials().create(CredentialRequest.forDomain("example.test"));
        try (RawSmtpClient c = authenticated(app.credential().name(), app.secret())) {
            assertThat(c.command("MAIL FROM:<shop@example.test>")).startsWith("250");
            assertThat(c.command("RCPT TO:<someone@remote.example>")).startsWith("550 5.7.1 Sender domain example.test");
        }
        tern.services().metadata().writeAndWait(tx -> tx.domainOwnership()
                .markVerified(tx.directory().domain("example.test").orElseThrow().id(), Instant.now()));
        try (RawSmtpClient c = authenticated(app.credential().name(), app.secret())) {
            assertThat(c.sendMail("shop@example.test", java.util.List.of("someone@remote.example"),
                    "From: shop@example.test\r\nSubject: verified now\r\n\r\nbody\r\n")).startsWith("250 2.0.0");
        }
    }
}
