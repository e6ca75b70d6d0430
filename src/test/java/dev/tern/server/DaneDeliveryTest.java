package dev.tern.server;

import dev.tern.testing.LoopbackPorts;
import dev.tern.testing.RunningServer;
import dev.tern.testing.ScriptedSmtpServer;
import dev.tern.testing.TestDnsServer;
import dev.tern.testing.TestPki;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * DANE for outbound mail (RFC 7672): server A (a.test, 127.0.0.2) sends to b.test, whose MX host
 * mx.b.test (127.0.0.3) is a scripted SMTP server with the certificates each test gives it. The
 * DNS server on loopback plays a validating resolver: b.test is "signed" (its answers carry the AD
 * bit) when a test says so.
 */
class DaneDeliveryTest {

    private static final String BODY = "From: alice@a.test\r\nTo: bob@b.test\r\nSubject: hello\r\n"
            + "Message-ID: <dane@a.test>\r\n\r\nHello over DANE\r\n";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    TestDnsServer dns;
    int port;
    RunningServer a;
    /** A CA that A does not trust: only TLSA records can vouch for what it signs. */
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

    private RunningServer startA(String extraDelivery) {
        return RunningServer.sender(dir.resolve("a"), dns, port, extraDelivery);
    }

    private String send() {
        return send("bob@b.test");
    }

    private String send(String recipient) {
        return a.submit("alice@a.test", BODY, recipient);
    }

    private ScriptedSmtpServer mx(SSLContext startTls) throws IOException {
        return ScriptedSmtpServer.withStartTls("127.0.0.3", port, startTls);
    }

    private void awaitDelivered(String id, ScriptedSmtpServer mx) {
        await().atMost(WAIT).until(() -> mx.messages().size() == 1);
        await().atMost(WAIT).until(() -> a.services().queue().message(id).isEmpty());
        assertThat(mx.commands()).contains("STARTTLS");
    }

    private void awaitDeferred(String id, String... reason) {
        a.awaitDeferred(id, WAIT, reason);
    }

    /**
     * Mail to {@code recipient} through a server whose certificate (for {@code certificateName},
     * signed by a CA no record names) fails DANE: deferred with {@code 4.7.5}, nothing delivered.
     */
    private void assertRefusedByDane(String certificateName, String recipient, String... reason) throws IOException {
        try (ScriptedSmtpServer mx = mx(pki.serverContext(certificateName))) {
            String id = send(recipient);
            String[] expected = Stream.concat(Stream.of("4.7.5", "failed DANE authentication"),
                    Stream.of(reason)).toArray(String[]::new);
            awaitDeferred(id, expected);
            assertThat(mx.messages()).isEmpty();
        }
    }

    private static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }

    /** A "3 1 1" record: the SHA-256 of the certificate's public key. */
    private void publishDaneEe(TestPki.Issued certificate) throws Exception {
        dns.tlsa("_" + port + "._tcp.mx.b.test", 3, 1, 1, sha256(certificate.certificate().getPublicKey().getEncoded()));
    }

    @Test
    void aCertificateThatMatchesTheTlsaRecordsIsTrustedWithoutAnyCa() throws Exception {
        TestPki.Issued certificate = pki.issue("self.example");
        publishDaneEe(certificate);
        // "verify" everywhere: a certificate no trusted CA signed would keep the mail back.
        a = startA("tls = \"verify\"\n");

        dns.signed("b.test");
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.tern.delivery");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log =
                new ch.qos.logback.core.read.ListAppender<>();
        log.start();
        logger.addAppender(log);
        try (ScriptedSmtpServer mx = mx(pki.serverContext(certificate))) {
            String id = send();
            awaitDelivered(id, mx);
            // The delivery log line says the certificate was checked against the TLSA records.
            await().atMost(WAIT).until(() -> log.list.stream().map(e -> e.getFormattedMessage())
                    .anyMatch(m -> m.startsWith(id) && m.contains("to=<bob@b.test>") && m.contains(" (DANE), dsn=2.0.0")));
        } finally {
            logger.detachAppender(log);
        }
        // The same host and records for c.test, whose MX records are not validated: DANE does
        // not apply (an attacker could have named the host), and "verify" defers.
        dns.mx("c.test", 10, "mx.b.test");
        try (ScriptedSmtpServer mx = mx(pki.serverContext(certificate))) {
            String id = send("bob@c.test");
            awaitDeferred(id, "4.7.5");
            assertThat(mx.messages()).isEmpty();
            assertThat(mx.commands()).noneMatch(c -> c.startsWith("MAIL"));
        }
    }

    @Test
    void aCertificateThatMatchesNoTlsaRecordOrNoStartTlsDefersAndNothingGoesInPlaintext() throws Exception {
        publishDaneEe(pki.issue("mx.b.test"));   // the key of a certificate the server does not present
        dns.signed("b.test");
        a = startA("");

        try (ScriptedSmtpServer mx = mx(pki.serverContext("mx.b.test"))) {
            String id = send();
            awaitDeferred(id, "4.7.5", "failed DANE authentication", "none of the TLSA records");
            assertThat(mx.commands()).contains("STARTTLS").noneMatch(c -> c.startsWith("MAIL"));
            a.services().queue().delete(id);
        }
        try (ScriptedSmtpServer mx = mx(null)) {
            String id = send();
            awaitDeferred(id, "4.7.4");
            assertThat(mx.commands()).noneMatch(c -> c.startsWith("MAIL"));
            a.services().queue().delete(id);
        }
    }

    /** RFC 8689 §5: TLS-Required: No sets the domain's TLSA records aside; other mail still answers to them. */
    @Test
    void tlsRequiredNoSetsTheRecordsAside() throws Exception {
        publishDaneEe(pki.issue("mx.b.test"));   // a key the server does not present
        dns.signed("b.test");
        a = startA("");
        try (ScriptedSmtpServer mx = mx(pki.serverContext("mx.b.test"))) {
            String kept = send();
            String waived = a.submit("alice@a.test", "TLS-Required: No\r\n" + BODY, "bob@b.test");
            awaitDelivered(waived, mx);
            assertThat(mx.messages().get(0)).contains("TLS-Required: No");
            awaitDeferred(kept, "4.7.5", "failed DANE authentication");
            assertThat(mx.messages()).hasSize(1);
        }
    }

    @Test
    void withoutDnssecTheSameRecordsLeaveOpportunisticTlsAsItWas() throws Exception {
        publishDaneEe(pki.issue("mx.b.test"));
        a = startA("");
        try (ScriptedSmtpServer mx = mx(pki.serverContext("mx.b.test"))) {
            String id = send();
            awaitDelivered(id, mx);
        }
        // c.test signed, but its MX host in a zone that is not: DANE does not apply to the host.
        dns.mx("c.test", 10, "mx.hoster.test").a("mx.hoster.test", "127.0.0.3").signed("c.test");
        dns.tlsa("_" + port + "._tcp.mx.hoster.test", 3, 1, 1, new byte[32]);
        try (ScriptedSmtpServer mx = mx(pki.serverContext("mx.b.test"))) {
            String id = send("bob@c.test");
            awaitDelivered(id, mx);
        }
    }

    @Test
    void daneOffOrAnOperatorTlsPolicyForTheDomainLeavesTheRecordsUnused() throws Exception {
        publishDaneEe(pki.issue("mx.b.test"));
        dns.signed("b.test");
        a = startA("dane = false\n");
        try (ScriptedSmtpServer mx = mx(pki.serverContext("mx.b.test"))) {
            String id = send();
            awaitDelivered(id, mx);
        }
        a.close();
        a = startA("[delivery.tls_policy]\n\"b.test\" = \"encrypt\"\n");
        try (ScriptedSmtpServer mx = mx(pki.serverContext("mx.b.test"))) {
            String id = send();
            awaitDelivered(id, mx);
        }
    }

    @Test
    void aTlsPolicyOfDaneOnlyKeepsMailForADomainWithoutUsableRecordsBack() throws Exception {
        TestPki.Issued certificate = pki.issue("mx.b.test");
        a = startA("dane = false\n[delivery.tls_policy]\n\"b.test\" = \"dane-only\"\n\"c.test\" = \"dane\"\n");
        // b.test is not signed yet: no MX host has validated records, and nothing is sent.
        publishDaneEe(certificate);
        try (ScriptedSmtpServer mx = mx(pki.serverContext(certificate))) {
            String id = send();
            awaitDeferred(id, "4.7.5", "DANE is required for b.test");
            assertThat(mx.commands()).isEmpty();

            // Signed: the records apply, and the certificate they name gets the mail.
            dns.signed("b.test");
            await().atMost(WAIT).until(() -> mx.messages().size() == 1);
            await().atMost(WAIT).until(() -> a.services().queue().message(id).isEmpty());
        }
        // "dane" for c.test applies DANE though [delivery] dane is off: a certificate the records
        // do not name is refused.
        dns.mx("c.test", 10, "mx.b.test").signed("c.test");
        assertRefusedByDane("mx.b.test", "carol@c.test");
    }

    /** RFC 7672 §2.2.2, §8.1: behind a validated CNAME, the records and the SNI name are the target's. */
    @Test
    void anMxHostThatIsAnAliasHasItsRecordsAndServerNameFromTheAliasTarget() throws Exception {
        TestPki.Issued certificate = pki.issue("mx.hoster.test");
        dns.mx("c.test", 10, "mail.c.test").cname("mail.c.test", "mx.hoster.test").a("mx.hoster.test", "127.0.0.3");
        dns.tlsa("_" + port + "._tcp.mx.hoster.test", 3, 1, 1,
                sha256(certificate.certificate().getPublicKey().getEncoded()));
        dns.signed("c.test").signed("hoster.test");
        a = startA("");
        try (ScriptedSmtpServer mx = mx(pki.serverContext(certificate))) {
            String id = send("carol@c.test");
            awaitDelivered(id, mx);
            assertThat(mx.tlsServerNames()).containsExactly("mx.hoster.test");
        }
        assertRefusedByDane("mx.hoster.test", "carol@c.test");
    }

    @Test
    void daneTaTrustsTheCaTheRecordNamesForCertificatesWithTheMxHostsName() throws Exception {
        dns.tlsa("_" + port + "._tcp.mx.b.test", 2, 0, 1, sha256(pki.caCertificate().getEncoded()));
        dns.signed("b.test");
        a = startA("");
        try (ScriptedSmtpServer mx = mx(pki.serverContext("mx.b.test"))) {
            String id = send();
            awaitDelivered(id, mx);
        }
        assertRefusedByDane("other.test", "bob@b.test", "other.test");
    }

    @Test
    void recordsThatSmtpCannotUseStillRequireTlsButNoParticularCertificate() throws Exception {
        dns.tlsa("_" + port + "._tcp.mx.b.test", 1, 1, 1, new byte[32]);   // PKIX-EE: unusable for SMTP
        dns.signed("b.test");
        a = startA("");
        try (ScriptedSmtpServer mx = mx(pki.serverContext("anything.test"))) {
            String id = send();
            awaitDelivered(id, mx);
        }
        try (ScriptedSmtpServer mx = mx(null)) {
            String id = send();
            awaitDeferred(id, "4.7.4");
            assertThat(mx.messages()).isEmpty();
        }
    }

    @Test
    void aTlsaLookupThatFailsDefersWithoutConnecting() throws Exception {
        dns.signed("b.test").servfail("_" + port + "._tcp.mx.b.test");
        a = startA("");
        try (ScriptedSmtpServer mx = mx(pki.serverContext("mx.b.test"))) {
            String id = send();
            awaitDeferred(id, "4.7.5", "could not be looked up", "SERVFAIL");
            assertThat(mx.commands()).isEmpty();
        }
    }

    /** RFC 8460 §4.4: sessions under TLSA records are reported with policy type "tlsa". */
    @Test
    void theDaysSessionsAreReportedUnderTheTlsaPolicy() throws Exception {
        TestPki.Issued certificate = pki.issue("mx.b.test");
        publishDaneEe(certificate);
        dns.signed("b.test").txt("_smtp._tls.b.test", "v=TLSRPTv1; rua=mailto:tls-reports@a.test");
        a = startA("\n[delivery.tls_reports]\nenabled = true\nfrom = \"postmaster@a.test\"\n");
        a.services().directory().addUser("tls-reports@a.test", "reports pw");

        try (ScriptedSmtpServer mx = mx(pki.serverContext(certificate))) {
            awaitDelivered(send(), mx);
        }
        try (ScriptedSmtpServer mx = mx(pki.serverContext("mx.b.test"))) {
            String id = send();
            awaitDeferred(id, "failed DANE authentication");
            a.services().queue().delete(id);
        }
        com.fasterxml.jackson.databind.JsonNode report = tomorrowsReports(1).get(0);
        assertThat(report.get("policies")).hasSize(1);
        com.fasterxml.jackson.databind.JsonNode policy = report.at("/policies/0");
        assertThat(policy.at("/policy/policy-type").asText()).isEqualTo("tlsa");
        assertThat(policy.at("/policy/policy-domain").asText()).isEqualTo("b.test");
        assertThat(policy.at("/policy/mx-host/0").asText()).isEqualTo("mx.b.test");
        assertThat(policy.at("/policy/policy-string/0").asText()).startsWith("3 1 1 ");
        assertThat(policy.at("/summary/total-successful-session-count").asLong()).isEqualTo(1);
        assertThat(failures(policy)).containsOnlyKeys("tlsa-invalid");
    }

    /**
     * RFC 8460 §4.3.2: a host left out because its TLSA records could not be looked up, and one
     * left out under {@code dane-only} for want of usable validated records, are failed sessions.
     */
    @Test
    void hostsLeftOutForDaneAreReportedWithTheReason() throws Exception {
        String rua = "v=TLSRPTv1; rua=mailto:tls-reports@a.test";
        dns.signed("b.test").servfail("_" + port + "._tcp.mx.b.test").txt("_smtp._tls.b.test", rua);
        dns.mx("c.test", 10, "mx.b.test").txt("_smtp._tls.c.test", rua);
        a = startA("\n[delivery.tls_reports]\nenabled = true\nfrom = \"postmaster@a.test\"\n"
                + "[delivery.tls_policy]\n\"c.test\" = \"dane-only\"\n");
        a.services().directory().addUser("tls-reports@a.test", "reports pw");
        try (ScriptedSmtpServer mx = mx(pki.serverContext("mx.b.test"))) {
            String lookupFailed = send();
            String notSigned = send("carol@c.test");
            awaitDeferred(lookupFailed, "could not be looked up");
            awaitDeferred(notSigned, "DANE is required for c.test");
            assertThat(mx.commands()).isEmpty();
            a.services().queue().delete(lookupFailed);
            a.services().queue().delete(notSigned);
        }
        Map<String, Map<String, Long>> byDomain = new HashMap<>();
        for (com.fasterxml.jackson.databind.JsonNode report : tomorrowsReports(2)) {
            com.fasterxml.jackson.databind.JsonNode policy = report.at("/policies/0");
            assertThat(policy.at("/policy/policy-type").asText()).isEqualTo("tlsa");
            assertThat(policy.at("/summary/total-successful-session-count").asLong()).isZero();
            assertThat(policy.at("/failure-details/0/receiving-mx-hostname").asText()).isEqualTo("mx.b.test");
            byDomain.put(policy.at("/policy/policy-domain").asText(), failures(policy));
        }
        assertThat(byDomain).containsOnlyKeys("b.test", "c.test");
        assertThat(byDomain.get("b.test")).containsOnlyKeys("dnssec-invalid");
        assertThat(byDomain.get("c.test")).containsOnlyKeys("dane-required");
    }

    /** Makes tomorrow's TLS reports, waits for the {@code expected} of them in tls-reports@a.test's inbox, and reads them. */
    private List<com.fasterxml.jackson.databind.JsonNode> tomorrowsReports(int expected) throws Exception {
        LocalDate tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1);
        assertThat(a.server().queueTlsReports(tomorrow)).isEqualTo(expected);
        await().atMost(WAIT).until(() -> a.inbox("tls-reports@a.test").size() == expected);
        List<com.fasterxml.jackson.databind.JsonNode> reports = new java.util.ArrayList<>();
        for (var message : a.inbox("tls-reports@a.test")) {
            MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(
                    a.content(message).getBytes(StandardCharsets.UTF_8)));
            try (var in = new java.util.zip.GZIPInputStream(((MimeMultipart) m.getContent()).getBodyPart(1)
                    .getInputStream())) {
                reports.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(in));
            }
        }
        return reports;
    }

    /** A report policy's failed sessions by result type. */
    private static Map<String, Long> failures(com.fasterxml.jackson.databind.JsonNode policy) {
        Map<String, Long> failures = new HashMap<>();
        for (com.fasterxml.jackson.databind.JsonNode d : policy.get("failure-details")) {
            failures.merge(d.get("result-type").asText(), d.get("failed-session-count").asLong(), Long::sum);
        }
        return failures;
    }
}
