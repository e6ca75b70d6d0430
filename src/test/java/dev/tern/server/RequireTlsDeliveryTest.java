package dev.tern.server;

import dev.tern.testing.LoopbackPorts;
import dev.tern.testing.RunningServer;
import dev.tern.testing.ScriptedSmtpServer;
import dev.tern.testing.TestDnsServer;
import dev.tern.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * REQUIRETLS (RFC 8689) on the way out: server A (a.test, 127.0.0.2) sends to b.test, whose MX
 * host mx.b.test (127.0.0.3) is a scripted SMTP server. A trusts the test CA; the DNS server on
 * loopback plays a validating resolver for b.test when a test signs it.
 */
class RequireTlsDeliveryTest {

    private static final String BODY = "From: alice@a.test\r\nTo: bob@b.test\r\nSubject: the secret plans\r\n"
            + "Message-ID: <requiretls@a.test>\r\n\r\nThe body that must not travel in the clear\r\n";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    TestDnsServer dns;
    int port;
    RunningServer a;
    final TestPki pki = new TestPki();

    @BeforeEach
    void setUp() throws IOException {
        dns = TestDnsServer.start();
        dns.mx("a.test", 10, "mx.a.test").a("mx.a.test", "127.0.0.2");
        dns.mx("b.test", 10, "mx.b.test").a("mx.b.test", "127.0.0.3");
        port = LoopbackPorts.freeOnAll("127.0.0.3", "127.0.0.2");
    }

    @AfterEach
    void tearDown() {
        if (a != null) {
            a.close();
        }
        dns.close();
    }

    private RunningServer startA(String extraDelivery) throws IOException {
        return RunningServer.sender(dir.resolve("a"), dns, port,
                "ca_file = \"" + pki.writeCaPem(dir.resolve("ca.pem")) + "\"\n" + extraDelivery);
    }

    private ScriptedSmtpServer mx(SSLContext startTls, boolean offersRequireTls) throws IOException {
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
        o.bind = "127.0.0.3";
        o.port = port;
        o.startTls = startTls;
        o.requireTls = offersRequireTls;
        return new ScriptedSmtpServer(o);
    }

    private void awaitDeferred(String id, String... reason) {
        a.awaitDeferred(id, WAIT, reason);
    }

    /** The report alice gets when her message bounced: its text, once it is in her inbox. */
    private String awaitBounce() {
        await().atMost(WAIT).until(() -> a.inbox("alice@a.test").size() == 1);
        return a.content(a.inbox("alice@a.test").get(0));
    }

    @Test
    void goesToAValidatedMxOverVerifiedTlsWithTheParameter() throws Exception {
        dns.signed("b.test");
        a = startA("");
        try (ScriptedSmtpServer mx = mx(pki.serverContext("mx.b.test"), true)) {
            String id = a.submitRequiringTls("alice@a.test", BODY, "bob@b.test");
            await().atMost(WAIT).until(() -> mx.messages().size() == 1);
            await().atMost(WAIT).until(() -> a.services().queue().message(id).isEmpty());
            assertThat(mx.commands()).contains("STARTTLS")
                    .anyMatch(c -> c.startsWith("MAIL FROM:<alice@a.test>") && c.endsWith(" REQUIRETLS"));
            // A message without it goes to the same server without the parameter.
            a.submit("alice@a.test", BODY, "bob@b.test");
            await().atMost(WAIT).until(() -> mx.messages().size() == 2);
            assertThat(mx.commands().stream().filter(c -> c.startsWith("MAIL")).toList().get(1))
                    .doesNotContain("REQUIRETLS");
        }
    }

    @Test
    void anAliasForwardsItWithTheRequirement() throws Exception {
        dns.signed("b.test");
        a = startA("");
        a.services().directory().addAlias("fwd@a.test", java.util.List.of("bob@b.test"));
        try (ScriptedSmtpServer mx = mx(pki.serverContext("mx.b.test"), true)) {
            a.submitRequiringTls("carol@c.test", BODY, "fwd@a.test");
            a.submit("carol@c.test", BODY, "fwd@a.test");
            await().atMost(WAIT).until(() -> mx.messages().size() == 2);
            assertThat(mx.commands().stream().filter(c -> c.startsWith("MAIL")).toList())
                    .hasSize(2).filteredOn(c -> c.endsWith(" REQUIRETLS")).hasSize(1);
        }
    }

    /** RFC 8689 §5: a non-delivery report of such a message is sent with REQUIRETLS itself. */
    @Test
    void theBounceToARemoteSenderLeavesWithTheRequirement() throws Exception {
        dns.signed("b.test");
        a = startA("");
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
        o.bind = "127.0.0.3";
        o.port = port;
        o.startTls = pki.serverContext("mx.b.test");
        o.requireTls = true;
        o.refusedRecipients = java.util.Set.of("nobody@b.test");
        try (ScriptedSmtpServer mx = new ScriptedSmtpServer(o)) {
            a.submitRequiringTls("carol@b.test", BODY, "nobody@b.test");
            await().atMost(WAIT).until(() -> mx.messages().size() == 1);
            assertThat(mx.commands()).anyMatch(c -> c.equals("MAIL FROM:<> REQUIRETLS")
                    || c.startsWith("MAIL FROM:<> ") && c.endsWith(" REQUIRETLS"));
            assertThat(mx.messages().get(0)).contains("Status: 5.1.1").contains("Subject: the secret plans")
                    .doesNotContain("must not travel");
        }
    }

    @Test
    void aServerThatDoesNotOfferItGetsNothingAndTheSenderGetsTheHeadersBack() throws Exception {
        dns.signed("b.test");
        a = startA("");
        try (ScriptedSmtpServer mx = mx(pki.serverContext("mx.b.test"), false)) {
            String id = a.submitRequiringTls("alice@a.test", BODY, "bob@b.test");
            String bounce = awaitBounce();
            assertThat(mx.commands()).contains("STARTTLS").noneMatch(c -> c.startsWith("MAIL"));
            assertThat(mx.messages()).isEmpty();
            assertThat(bounce).contains("Status: 5.7.30").contains("does not offer it")
                    // RFC 8689 §5: the report returns the header section, never the body.
                    .contains("Subject: the secret plans").doesNotContain("must not travel");
            assertThat(a.services().queue().message(id)).isEmpty();
        }
    }

    @Test
    void anMxNeitherValidatedNorNamedByAPolicyIsNotEvenTried() throws Exception {
        a = startA("");   // b.test not signed, and no MTA-STS policy
        try (ScriptedSmtpServer mx = mx(pki.serverContext("mx.b.test"), true)) {
            a.submitRequiringTls("alice@a.test", BODY, "bob@b.test");
            String bounce = awaitBounce();
            assertThat(bounce).contains("Status: 5.7.30").contains("neither through DNSSEC-validated MX records");
            assertThat(mx.commands()).isEmpty();
        }
    }

    @Test
    void aCertificateThatDoesNotVerifyOrNoStartTlsDefersAndNothingGoesInPlaintext() throws Exception {
        dns.signed("b.test");
        a = startA("");   // opportunistic TLS for other mail: REQUIRETLS must not fall back to plaintext
        try (ScriptedSmtpServer mx = mx(new TestPki().serverContext("mx.b.test"), true)) {
            String id = a.submitRequiringTls("alice@a.test", BODY, "bob@b.test");
            awaitDeferred(id, "4.7.5");
            assertThat(mx.commands()).noneMatch(c -> c.startsWith("MAIL"));
            a.services().queue().delete(id);
        }
        try (ScriptedSmtpServer mx = mx(null, true)) {
            String id = a.submitRequiringTls("alice@a.test", BODY, "bob@b.test");
            awaitDeferred(id, "4.7.4");
            assertThat(mx.commands()).noneMatch(c -> c.startsWith("MAIL"));
        }
    }

    @Test
    void aValidatedMxWithTlsaRecordsIsCheckedAgainstThemInsteadOfTheCas() throws Exception {
        TestPki.Issued certificate = new TestPki().issue("self.example");
        dns.tlsa("_" + port + "._tcp.mx.b.test", 3, 1, 1, java.security.MessageDigest.getInstance("SHA-256")
                .digest(certificate.certificate().getPublicKey().getEncoded()));
        dns.signed("b.test");
        a = startA("");
        try (ScriptedSmtpServer mx = mx(pki.serverContext(certificate), true)) {
            String id = a.submitRequiringTls("alice@a.test", BODY, "bob@b.test");
            await().atMost(WAIT).until(() -> mx.messages().size() == 1);
            await().atMost(WAIT).until(() -> a.services().queue().message(id).isEmpty());
            assertThat(mx.commands()).anyMatch(c -> c.startsWith("MAIL") && c.endsWith(" REQUIRETLS"));
        }
    }

    @Test
    void aSmarthostWithoutCertificateVerificationCannotCarryIt() throws Exception {
        a = startA("\n[delivery.smarthost]\nhost = \"127.0.0.3\"\nport = " + port
                + "\ntls = \"starttls\"\nverify_certificate = false\n");
        try (ScriptedSmtpServer relay = mx(pki.serverContext("127.0.0.3"), true)) {
            a.submitRequiringTls("alice@a.test", BODY, "bob@b.test");
            String bounce = awaitBounce();
            assertThat(bounce).contains("Status: 5.7.30").contains("smarthost");
            assertThat(relay.commands()).isEmpty();
            // Other mail goes as configured.
            a.submit("alice@a.test", BODY, "bob@b.test");
            await().atMost(WAIT).until(() -> relay.messages().size() == 1);
        }
    }
}
