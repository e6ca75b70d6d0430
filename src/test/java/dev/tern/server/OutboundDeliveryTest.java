package dev.tern.server;

import dev.tern.directory.DnsRecords;
import dev.tern.mail.ClientInfo;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailAddress;
import dev.tern.mail.Recipient;
import dev.tern.store.BlobSink;
import dev.tern.store.Rows;
import dev.tern.testing.LoopbackPorts;
import dev.tern.testing.RunningServer;
import dev.tern.testing.ScriptedSmtpServer;
import dev.tern.testing.TestDnsServer;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Two Tern servers for two domains on two loopback addresses, with their MX records in a DNS
 * server on loopback: A (a.test, 127.0.0.2) sends to B (b.test, 127.0.0.3).
 */
class OutboundDeliveryTest {

    private static final String BODY = "From: alice@a.test\r\nTo: bob@b.test\r\nSubject: hello\r\n"
            + "Message-ID: <m1@a.test>\r\n\r\nHello from A\r\n";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    TestDnsServer dns;
    int port;
    RunningServer a;
    RunningServer b;

    @BeforeEach
    void setUp() throws IOException {
        dns = TestDnsServer.start();
        dns.mx("a.test", 10, "mx.a.test").a("mx.a.test", "127.0.0.2");
        dns.mx("b.test", 10, "mx.b.test").a("mx.b.test", "127.0.0.3");
        dns.mx("c.test", 10, "mx.b.test");
        dns.nullMx("nomail.test");
        dns.mx("loop.test", 10, "mx.a.test");
        port = LoopbackPorts.freeOnAll("127.0.0.3", "127.0.0.2", "127.0.0.4");
    }

    @AfterEach
    void tearDown() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        dns.close();
    }

    private String dnsConfig() {
        return "\n[dns]\nnameservers = [\"127.0.0.1:" + dns.nameserver().getPort() + "\"]\ntimeout = \"2s\"\n";
    }

    private RunningServer startA(String extraDelivery) {
        return RunningServer.sender(dir.resolve("a"), dns, port, extraDelivery);
    }

    private RunningServer startB() throws IOException {
        return startB("");
    }

    private RunningServer startB(String listeners) throws IOException {
        Path d = dir.resolve("b");
        Files.createDirectories(d);
        RunningServer s = new RunningServer(d, "hostname = \"mx.b.test\"\n" + dnsConfig(), listeners, null,
                "127.0.0.3:" + port);
        if (s.services().directory().domains().stream().noneMatch(x -> x.name().equals("b.test"))) {
            s.services().directory().addDomain("b.test");
            s.services().directory().addDomain("c.test");
            s.services().directory().addUser("bob@b.test", "bob pw");
            s.services().directory().addUser("carol@c.test", "carol pw");
        }
        return s;
    }

    /** Submits a message into A's queue, as authenticated submission does. */
    private String send(RunningServer server, String sender, String content, String... recipients) {
        return server.submit(sender, content, recipients);
    }

    private String sendWith(RunningServer server, String sender, String content, String envId,
                            List<Recipient> recipients) {
        return server.submit(sender, content, envId, recipients);
    }

    private static MimeMessage parse(String content) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
    }

    private static String deliveryStatus(MimeMessage m) throws Exception {
        MimeMultipart report = (MimeMultipart) m.getContent();
        try (var in = report.getBodyPart(1).getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aDeliversToBWithTheMxRecordsAndForgetsTheMessage() throws Exception {
        b = startB();
        a = startA("");
        String id = send(a, "alice@a.test", BODY, "bob@b.test");
        await().atMost(WAIT).until(() -> b.inbox("bob@b.test").size() == 1);
        String received = b.content(b.inbox("bob@b.test").get(0));
        assertThat(received).contains("Return-Path: <alice@a.test>", "Hello from A", "from mx.a.test");
        assertThat(received).containsPattern("with ESMTPS? ");
        await().atMost(WAIT).until(() -> a.services().queue().message(id).isEmpty());
    }

    @Test
    void bDownMeansDeferredThenDeliveredWhenBStarts() throws Exception {
        a = startA("");
        String id = send(a, "alice@a.test", BODY, "bob@b.test");
        await().atMost(WAIT).until(() -> a.services().queue().recipients(id).stream()
                .anyMatch(r -> r.state().equals("deferred")));
        Rows.QueueRecipient r = a.services().queue().recipients(id).get(0);
        assertThat(r.lastError()).contains("4.4.1");
        b = startB();
        await().atMost(WAIT).until(() -> b.inbox("bob@b.test").size() == 1);
        await().atMost(WAIT).until(() -> a.services().queue().message(id).isEmpty());
        assertThat(a.inbox("alice@a.test")).isEmpty();   // no delay warning or bounce
    }

    @Test
    void aRestartWhileMailIsDeferredLosesNothing() throws Exception {
        a = startA("");
        String id = send(a, "alice@a.test", BODY, "bob@b.test");
        await().atMost(WAIT).until(() -> a.services().queue().recipients(id).stream()
                .anyMatch(r -> r.state().equals("deferred")));
        a.close();
        a = null;
        b = startB();
        a = startA("");
        await().atMost(WAIT).until(() -> b.inbox("bob@b.test").size() == 1);
        await().atMost(WAIT).until(() -> a.services().queue().message(id).isEmpty());
    }

    @Test
    void a451IsRetriedUntilAccepted() throws Exception {
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
        o.bind = "127.0.0.3";
        o.port = port;
        o.temporaryRcptFailures = 1;
        try (ScriptedSmtpServer fake = new ScriptedSmtpServer(o)) {
            a = startA("");
            String id = send(a, "alice@a.test", BODY, "bob@b.test");
            await().atMost(WAIT).until(() -> fake.messages().size() == 1);
            assertThat(fake.commands().stream().filter(c -> c.startsWith("RCPT")).count()).isEqualTo(2);
            await().atMost(WAIT).until(() -> a.services().queue().message(id).isEmpty());
            assertThat(fake.messages().get(0)).contains("Hello from A");
        }
    }

    @Test
    void a550BouncesWithADeliveryStatusNotificationInTheSendersInbox() throws Exception {
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
        o.bind = "127.0.0.3";
        o.port = port;
        o.refusedRecipients = Set.of("nobody@b.test");
        try (ScriptedSmtpServer fake = new ScriptedSmtpServer(o)) {
            a = startA("");
            String id = sendWith(a, "alice@a.test", BODY, "ENV42", List.of(
                    new Recipient(MailAddress.parse("nobody@b.test"), Set.of(), "rfc822;nobody@b.test"),
                    Recipient.of(MailAddress.parse("bob@b.test"))));
            await().atMost(WAIT).until(() -> a.inbox("alice@a.test").size() == 1);
            await().atMost(WAIT).until(() -> a.services().queue().message(id).isEmpty());
            assertThat(fake.messages()).hasSize(1);   // bob's copy went
            String bounce = a.content(a.inbox("alice@a.test").get(0));
            assertThat(bounce).startsWith("Return-Path: <>\r\n");
            MimeMessage m = parse(bounce);
            assertThat(m.getContentType()).contains("multipart/report").contains("delivery-status");
            String status = deliveryStatus(m);
            assertThat(status).contains("Reporting-MTA: dns; mx.a.test", "Original-Envelope-Id: ENV42",
                    "Final-Recipient: rfc822; nobody@b.test", "Original-Recipient: rfc822; nobody@b.test",
                    "Action: failed", "Status: 5.1.1", "Remote-MTA: dns; mx.b.test",
                    "Diagnostic-Code: smtp; 550 5.1.1");
            assertThat(status).doesNotContain("bob@b.test");
        }
    }

    @Test
    void aNullMxBouncesAtOnce() throws Exception {
        a = startA("");
        String id = send(a, "alice@a.test", BODY, "someone@nomail.test");
        await().atMost(WAIT).until(() -> a.inbox("alice@a.test").size() == 1);
        String status = deliveryStatus(parse(a.content(a.inbox("alice@a.test").get(0))));
        assertThat(status).contains("Final-Recipient: rfc822; someone@nomail.test", "Action: failed", "Status: 5.1.10");
        assertThat(a.services().queue().message(id)).isEmpty();
    }

    @Test
    void anMxPointingBackHereBouncesAsALoop() throws Exception {
        a = startA("");
        send(a, "alice@a.test", BODY, "someone@loop.test");
        await().atMost(WAIT).until(() -> a.inbox("alice@a.test").size() == 1);
        String status = deliveryStatus(parse(a.content(a.inbox("alice@a.test").get(0))));
        assertThat(status).contains("Final-Recipient: rfc822; someone@loop.test", "Status: 5.4.6", "loops back to myself");
    }

    @Test
    void recipientsSplitAcrossDomainsAndLocalEachGetTheirCopy() throws Exception {
        b = startB();
        a = startA("");
        a.services().directory().addUser("dave@a.test", "dave pw");
        String id = send(a, "alice@a.test", BODY, "bob@b.test", "carol@c.test", "dave@a.test");
        await().atMost(WAIT).until(() -> b.inbox("bob@b.test").size() == 1 && b.inbox("carol@c.test").size() == 1);
        assertThat(a.inbox("dave@a.test")).hasSize(1);
        await().atMost(WAIT).until(() -> a.services().queue().message(id).isEmpty());
        // b.test and c.test share an MX host but are separate destinations: one transaction each.
        assertThat(b.content(b.inbox("bob@b.test").get(0))).doesNotContain("carol@c.test");
    }

    /**
     * The policy host mta-sts.b.test on 127.0.0.1, with a certificate the test CA signed for that
     * name: it serves {@link #policy} and counts the fetches.
     */
    private static final class PolicyHost implements AutoCloseable {
        final dev.tern.testing.TestPki pki = new dev.tern.testing.TestPki();
        final java.util.concurrent.atomic.AtomicInteger fetches = new java.util.concurrent.atomic.AtomicInteger();
        volatile String policy;
        private final com.sun.net.httpserver.HttpsServer https;

        PolicyHost(String policy) throws IOException {
            this.policy = policy;
            https = com.sun.net.httpserver.HttpsServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(pki.serverContext("mta-sts.b.test")));
            https.createContext("/.well-known/mta-sts.txt", exchange -> {
                fetches.incrementAndGet();
                byte[] body = this.policy.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            https.start();
        }

        /** A's [delivery] lines: the test CA trusted, policies fetched from this host. */
        String deliveryConfig(Path dir) throws IOException {
            return "ca_file = \"" + pki.writeCaPem(dir.resolve("ca.pem")) + "\"\nmta_sts_port = "
                    + https.getAddress().getPort() + "\n";
        }

        @Override
        public void close() {
            https.stop(0);
        }
    }

    private ScriptedSmtpServer mxWithStartTls(javax.net.ssl.SSLContext tls) throws IOException {
        return ScriptedSmtpServer.withStartTls("127.0.0.3", port, tls);
    }

    private void awaitDeferred(String id, String status) {
        a.awaitDeferred(id, WAIT, status);
    }

    @Test
    void anEnforcedMtaStsPolicyAllowsOnlyItsMxHostsOverVerifiedTls() throws Exception {
        try (PolicyHost host = new PolicyHost("version: STSv1\r\nmode: enforce\r\nmx: mx.b.test\r\nmax_age: 86400\r\n")) {
            // Not cached by the resolver: the id is changed below.
            dns.ttl(0).txt("_mta-sts.b.test", "v=STSv1; id=1;").ttl(60).a("mta-sts.b.test", "127.0.0.1");
            a = startA(host.deliveryConfig(dir));

            // The MX host has a certificate for its name: delivered over TLS.
            try (ScriptedSmtpServer mx = mxWithStartTls(host.pki.serverContext("mx.b.test"))) {
                String id = send(a, "alice@a.test", BODY, "bob@b.test");
                await().atMost(WAIT).until(() -> mx.messages().size() == 1);
                assertThat(mx.commands()).contains("STARTTLS");
                await().atMost(WAIT).until(() -> a.services().queue().message(id).isEmpty());
            }
            // A certificate for another name: deferred, and never sent in plaintext instead, as
            // the default "may" would (the MX host is the same, only its certificate changed).
            try (ScriptedSmtpServer mx = mxWithStartTls(host.pki.serverContext("other.test"))) {
                String id = send(a, "alice@a.test", BODY, "bob@b.test");
                awaitDeferred(id, "4.7.5");
                assertThat(mx.messages()).isEmpty();
                assertThat(mx.commands()).noneMatch(c -> c.startsWith("MAIL"));
            }
            // No STARTTLS at all: deferred too.
            try (ScriptedSmtpServer mx = mxWithStartTls(null)) {
                String id = send(a, "alice@a.test", BODY, "bob@b.test");
                awaitDeferred(id, "4.7.4");
                assertThat(mx.messages()).isEmpty();
            }
            // The policy was fetched once and kept: its id in DNS did not change.
            assertThat(host.fetches.get()).isEqualTo(1);

            // A new id: the policy is fetched again, and now names no MX host of the domain.
            host.policy = "version: STSv1\nmode: enforce\nmx: *.elsewhere.test\nmax_age: 86400\n";
            dns.remove("_mta-sts.b.test");
            dns.ttl(0).txt("_mta-sts.b.test", "v=STSv1; id=2");
            try (ScriptedSmtpServer mx = mxWithStartTls(host.pki.serverContext("mx.b.test"))) {
                String id = send(a, "alice@a.test", BODY, "bob@b.test");
                awaitDeferred(id, "names none of its MX hosts");
                assertThat(mx.commands()).isEmpty();
                assertThat(host.fetches.get()).isEqualTo(2);
            }
        }
    }

    /**
     * RFC 8461 §2: an MX host with DNSSEC-validated TLSA records answers to them, not to the
     * domain's MTA-STS policy: here a policy that names none of b.test's hosts, which alone would
     * keep the mail back.
     */
    @Test
    void anMxHostWithValidatedTlsaRecordsAnswersToThemRatherThanToMtaSts() throws Exception {
        try (PolicyHost host = new PolicyHost("version: STSv1\r\nmode: enforce\r\nmx: *.elsewhere.test\r\nmax_age: 86400\r\n")) {
            dns.txt("_mta-sts.b.test", "v=STSv1; id=1;").a("mta-sts.b.test", "127.0.0.1");
            a = startA(host.deliveryConfig(dir));
            try (ScriptedSmtpServer mx = mxWithStartTls(host.pki.serverContext("mx.b.test"))) {
                String id = send(a, "alice@a.test", BODY, "bob@b.test");
                awaitDeferred(id, "names none of its MX hosts");
                assertThat(mx.commands()).isEmpty();
                a.services().queue().delete(id);
            }
            dev.tern.testing.TestPki other = new dev.tern.testing.TestPki();
            dev.tern.testing.TestPki.Issued certificate = other.issue("mx.b.test");
            dns.tlsa("_" + port + "._tcp.mx.b.test", 3, 1, 1, java.security.MessageDigest.getInstance("SHA-256")
                    .digest(certificate.certificate().getPublicKey().getEncoded()));
            dns.signed("b.test");
            try (ScriptedSmtpServer mx = mxWithStartTls(other.serverContext(certificate))) {
                String id = send(a, "alice@a.test", BODY, "bob@b.test");
                await().atMost(WAIT).until(() -> mx.messages().size() == 1);
                assertThat(mx.commands()).contains("STARTTLS");
                await().atMost(WAIT).until(() -> a.services().queue().message(id).isEmpty());
            }
        }
    }

    /**
     * RFC 8460: the sessions to b.test's MX hosts are counted under its enforced MTA-STS policy, and
     * once the day is over its {@code _smtp._tls} record gets the day's report by mail: here an
     * address on A itself, so the report is read back from a mailbox with Angus Mail.
     */
    @Test
    void theTlsSessionsOfADayAreReportedToTheDomainsTlsRptAddress() throws Exception {
        try (PolicyHost host = new PolicyHost("version: STSv1\r\nmode: enforce\r\nmx: mx.b.test\r\nmax_age: 86400\r\n")) {
            dns.txt("_mta-sts.b.test", "v=STSv1; id=1;").a("mta-sts.b.test", "127.0.0.1");
            dns.txt("_smtp._tls.b.test", "v=TLSRPTv1; rua=mailto:tls-reports@a.test");
            a = startA(host.deliveryConfig(dir) + "\n[delivery.tls_reports]\nenabled = true\n"
                    + "from = \"postmaster@a.test\"\norganization = \"A Test Org\"\n");
            a.services().directory().addUser("tls-reports@a.test", "reports pw");

            try (ScriptedSmtpServer mx = mxWithStartTls(host.pki.serverContext("mx.b.test"))) {
                String id = send(a, "alice@a.test", BODY, "bob@b.test");
                await().atMost(WAIT).until(() -> mx.messages().size() == 1);
                await().atMost(WAIT).until(() -> a.services().queue().message(id).isEmpty());
            }
            try (ScriptedSmtpServer mx = mxWithStartTls(host.pki.serverContext("other.test"))) {
                String id = send(a, "alice@a.test", BODY, "bob@b.test");
                awaitDeferred(id, "4.7.5");
                a.services().queue().delete(id);
            }
            try (ScriptedSmtpServer mx = mxWithStartTls(null)) {
                String id = send(a, "alice@a.test", BODY, "bob@b.test");
                awaitDeferred(id, "4.7.4");
                a.services().queue().delete(id);
            }

            java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
            assertThat(a.server().queueTlsReports(today)).as("the day is not over").isZero();
            assertThat(a.server().queueTlsReports(today.plusDays(1))).isEqualTo(1);
            assertThat(a.server().queueTlsReports(today.plusDays(1))).as("each day is reported once").isZero();
            await().atMost(WAIT).until(() -> a.inbox("tls-reports@a.test").size() == 1);

            MimeMessage m = parse(a.content(a.inbox("tls-reports@a.test").get(0)));
            assertThat(m.getHeader("TLS-Report-Domain", null)).isEqualTo("b.test");
            assertThat(m.getHeader("TLS-Report-Submitter", null)).isEqualTo("mx.a.test");
            assertThat(m.getSubject()).startsWith("Report Domain: b.test Submitter: mx.a.test Report-ID: <");
            assertThat(m.getContentType()).contains("multipart/report").contains("report-type=\"tlsrpt\"");
            MimeMultipart parts = (MimeMultipart) m.getContent();
            jakarta.mail.BodyPart attached = parts.getBodyPart(1);
            assertThat(attached.getContentType()).startsWith("application/tlsrpt+gzip");
            assertThat(attached.getFileName()).isEqualTo("mx.a.test!b.test!"
                    + today.atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond() + "!"
                    + (today.atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond() + 86_399) + ".json.gz");
            com.fasterxml.jackson.databind.JsonNode report;
            try (var in = new java.util.zip.GZIPInputStream(attached.getInputStream())) {
                report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
            }
            assertThat(report.get("organization-name").asText()).isEqualTo("A Test Org");
            assertThat(report.get("contact-info").asText()).isEqualTo("postmaster@a.test");
            assertThat(report.at("/date-range/start-datetime").asText()).isEqualTo(today + "T00:00:00Z");
            assertThat(report.at("/date-range/end-datetime").asText()).isEqualTo(today + "T23:59:59Z");
            assertThat(report.get("policies")).hasSize(1);
            com.fasterxml.jackson.databind.JsonNode policy = report.at("/policies/0");
            assertThat(policy.at("/policy/policy-type").asText()).isEqualTo("sts");
            assertThat(policy.at("/policy/policy-domain").asText()).isEqualTo("b.test");
            assertThat(policy.at("/policy/mx-host/0").asText()).isEqualTo("mx.b.test");
            assertThat(policy.at("/policy/policy-string").toString()).contains("mode: enforce", "mx: mx.b.test");
            assertThat(policy.at("/summary/total-successful-session-count").asLong()).isEqualTo(1);
            java.util.Map<String, Long> failures = new java.util.HashMap<>();
            long failed = 0;
            for (com.fasterxml.jackson.databind.JsonNode d : policy.get("failure-details")) {
                failures.merge(d.get("result-type").asText(), d.get("failed-session-count").asLong(), Long::sum);
                failed += d.get("failed-session-count").asLong();
                assertThat(d.get("receiving-mx-hostname").asText()).isEqualTo("mx.b.test");
                assertThat(d.get("receiving-ip").asText()).isEqualTo("127.0.0.3");
                assertThat(d.get("sending-mta-ip").asText()).startsWith("127.");
            }
            assertThat(failures.keySet()).containsExactlyInAnyOrder("certificate-host-mismatch", "starttls-not-supported");
            assertThat(policy.at("/summary/total-failure-session-count").asLong()).isEqualTo(failed);
        }
    }

    /**
     * RFC 8460 §4.3.2.2: sessions to a domain whose announced MTA-STS policy could not be had are
     * reported as failures of the policy: b.test serves a policy that is not valid, c.test's policy
     * host does not answer. The mail itself goes, as without a policy.
     */
    @Test
    void sessionsToADomainWhosePolicyCouldNotBeHadAreReportedAsPolicyFailures() throws Exception {
        try (PolicyHost host = new PolicyHost("version: STSv1\r\nmode: sometimes\r\nmx: mx.b.test\r\nmax_age: 86400\r\n")) {
            dns.txt("_mta-sts.b.test", "v=STSv1; id=1;").a("mta-sts.b.test", "127.0.0.1");
            dns.txt("_mta-sts.c.test", "v=STSv1; id=1;").a("mta-sts.c.test", "127.0.0.9");
            dns.remove("c.test").mx("c.test", 10, "mx.c.test").a("mx.c.test", "127.0.0.4");
            dns.txt("_smtp._tls.b.test", "v=TLSRPTv1; rua=mailto:tls-reports@a.test");
            dns.txt("_smtp._tls.c.test", "v=TLSRPTv1; rua=mailto:tls-reports@a.test");
            a = startA(host.deliveryConfig(dir) + "\n[delivery.tls_reports]\nenabled = true\nfrom = \"postmaster@a.test\"\n");
            a.services().directory().addUser("tls-reports@a.test", "reports pw");
            ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
            o.bind = "127.0.0.4";
            o.port = port;
            o.startTls = host.pki.serverContext("mx.c.test");
            try (ScriptedSmtpServer mxB = mxWithStartTls(host.pki.serverContext("mx.b.test"));
                 ScriptedSmtpServer mxC = new ScriptedSmtpServer(o)) {
                send(a, "alice@a.test", BODY, "bob@b.test", "carol@c.test");
                await().atMost(WAIT).until(() -> mxB.messages().size() == 1 && mxC.messages().size() == 1);
            }
            java.time.LocalDate tomorrow = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1);
            assertThat(a.server().queueTlsReports(tomorrow)).isEqualTo(2);
            await().atMost(WAIT).until(() -> a.inbox("tls-reports@a.test").size() == 2);
            java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> byDomain = new java.util.HashMap<>();
            for (Rows.Message m : a.inbox("tls-reports@a.test")) {
                MimeMultipart parts = (MimeMultipart) parse(a.content(m)).getContent();
                try (var in = new java.util.zip.GZIPInputStream(parts.getBodyPart(1).getInputStream())) {
                    var report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
                    byDomain.put(report.at("/policies/0/policy/policy-domain").asText(), report.at("/policies/0"));
                }
            }
            assertThat(byDomain).containsOnlyKeys("b.test", "c.test");
            for (var e : java.util.Map.of("b.test", "sts-policy-invalid", "c.test", "sts-policy-fetch-error").entrySet()) {
                var policy = byDomain.get(e.getKey());
                assertThat(policy.at("/policy/policy-type").asText()).isEqualTo("sts");
                assertThat(policy.at("/policy").has("policy-string")).isFalse();
                assertThat(policy.at("/summary/total-successful-session-count").asLong()).isZero();
                assertThat(policy.at("/summary/total-failure-session-count").asLong()).isEqualTo(1);
                assertThat(policy.at("/failure-details/0/result-type").asText()).isEqualTo(e.getValue());
                assertThat(policy.at("/failure-details/0/receiving-mx-hostname").asText()).isEqualTo("mx." + e.getKey());
            }
        }
    }

    /**
     * RFC 8460 §5.3: a report goes even where TLS fails as the report may say. b.test enforces
     * MTA-STS, and its MX host offers no STARTTLS (ordinary mail would wait, as the test above
     * shows); the report about c.test, addressed to b.test, still goes, signed with A's DKIM key,
     * and its own session is not counted for the next report.
     */
    @Test
    void aTlsReportIsDeliveredDespiteTheRecipientDomainsPolicyAndNotCountedItself() throws Exception {
        try (PolicyHost host = new PolicyHost("version: STSv1\r\nmode: enforce\r\nmx: mx.b.test\r\nmax_age: 86400\r\n")) {
            dns.txt("_mta-sts.b.test", "v=STSv1; id=1;").a("mta-sts.b.test", "127.0.0.1");
            dns.txt("_smtp._tls.c.test", "v=TLSRPTv1; rua=mailto:tls-reports@b.test");
            a = startA(host.deliveryConfig(dir) + "\n[delivery.tls_reports]\nenabled = true\nfrom = \"postmaster@a.test\"\n");
            for (var key : a.services().dkimKeys().generate("a.test")) {
                dns.txt(key.selector() + "._domainkey.a.test", key.dnsRecordText());
            }
            try (ScriptedSmtpServer mx = mxWithStartTls(null)) {
                send(a, "alice@a.test", BODY, "carol@c.test");
                await().atMost(WAIT).until(() -> mx.messages().size() == 1);

                java.time.LocalDate tomorrow = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1);
                assertThat(a.server().queueTlsReports(tomorrow)).isEqualTo(1);
                await().atMost(WAIT).until(() -> mx.messages().size() == 2);
                assertThat(mx.messages().get(1)).contains("TLS-Report-Domain: c.test", "d=a.test");
                assertThat(dkimpyVerifies(mx.messages().get(1))).as("signed, RFC 8460 §5.3").contains("pass");
                assertThat(a.server().queueTlsReports(tomorrow)).as("the report's own session").isZero();
            }
        }
    }

    @Test
    void mtaStsInTestingModeOrUnreachableLeavesDeliveryAsItWas() throws Exception {
        try (PolicyHost host = new PolicyHost("version: STSv1\r\nmode: testing\r\nmx: *.elsewhere.test\r\nmax_age: 86400\r\n")) {
            dns.txt("_mta-sts.b.test", "v=STSv1; id=1;").a("mta-sts.b.test", "127.0.0.1");
            // c.test announces a policy whose host does not answer: no policy is known, mail goes as usual.
            dns.txt("_mta-sts.c.test", "v=STSv1; id=1;").a("mta-sts.c.test", "127.0.0.9");
            a = startA(host.deliveryConfig(dir));
            // Testing mode: an MX host the policy does not name, with a certificate for another name, still gets the mail.
            try (ScriptedSmtpServer mx = mxWithStartTls(host.pki.serverContext("other.test"))) {
                send(a, "alice@a.test", BODY, "bob@b.test", "carol@c.test");
                await().atMost(WAIT).until(() -> mx.messages().size() == 2);
                assertThat(host.fetches.get()).isEqualTo(1);
            }
        }
    }

    /**
     * RFC 8689: an MTA-STS policy that names the MX host vouches for it as DNSSEC would for a
     * REQUIRETLS message; and TLS-Required: No sets the policy aside for a message whose sender
     * wants it delivered whatever the recipient domain publishes.
     */
    @Test
    void requireTlsTrustsAHostThePolicyNamesAndTlsRequiredNoSetsThePolicyAside() throws Exception {
        try (PolicyHost host = new PolicyHost("version: STSv1\r\nmode: enforce\r\nmx: mx.b.test\r\nmax_age: 86400\r\n")) {
            dns.txt("_mta-sts.b.test", "v=STSv1; id=1;").a("mta-sts.b.test", "127.0.0.1");
            a = startA(host.deliveryConfig(dir));

            ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
            o.bind = "127.0.0.3";
            o.port = port;
            o.startTls = host.pki.serverContext("mx.b.test");
            o.requireTls = true;
            try (ScriptedSmtpServer mx = new ScriptedSmtpServer(o)) {
                String id = a.submitRequiringTls("alice@a.test", BODY, "bob@b.test");
                await().atMost(WAIT).until(() -> mx.messages().size() == 1);
                assertThat(mx.commands()).anyMatch(c -> c.startsWith("MAIL") && c.endsWith(" REQUIRETLS"));
                await().atMost(WAIT).until(() -> a.services().queue().message(id).isEmpty());
            }

            // A certificate for another name: the policy keeps ordinary mail back, not this one.
            try (ScriptedSmtpServer mx = mxWithStartTls(host.pki.serverContext("other.test"))) {
                String kept = send(a, "alice@a.test", BODY, "bob@b.test");
                String waived = send(a, "alice@a.test", "TLS-Required: No\r\n" + BODY, "bob@b.test");
                await().atMost(WAIT).until(() -> mx.messages().size() == 1);
                assertThat(mx.messages().get(0)).contains("TLS-Required: No");
                await().atMost(WAIT).until(() -> a.services().queue().message(waived).isEmpty());
                awaitDeferred(kept, "4.7.5");
                assertThat(mx.messages()).hasSize(1);
            }
        }
    }

    @Test
    void thePolicyThatBPublishesForItsDomainIsWhatAEnforces() throws Exception {
        dev.tern.testing.TestPki pki = new dev.tern.testing.TestPki();
        Path bDir = dir.resolve("b");
        Files.createDirectories(bDir);
        pki.writeServerPem(bDir.resolve("cert.pem"), bDir.resolve("key.pem"), "mx.b.test", "mta-sts.b.test",
                "mta-sts.d.test");
        b = new RunningServer(bDir, "hostname = \"mx.b.test\"\n" + dnsConfig() + "[tls]\ncert = \""
                + bDir.resolve("cert.pem") + "\"\nkey = \"" + bDir.resolve("key.pem") + "\"\n[mta_sts]\nmode = \"enforce\"\n",
                "autoconfigs = [\"127.0.0.1:0\"]\n", null, "127.0.0.3:" + port);
        b.services().directory().addDomain("b.test");
        b.services().directory().addDomain("d.test");
        b.services().directory().addUser("bob@b.test", "bob pw");
        b.services().directory().addUser("dave@d.test", "dave pw");
        // B's operator publishes the MTA-STS records as `domain show` prints them.
        for (String domain : List.of("b.test", "d.test")) {
            DnsRecords.Record sts = b.services().onboarding().records(domain).stream()
                    .filter(r -> r.kind() == DnsRecords.Kind.MTA_STS).findFirst().orElseThrow();
            dns.txt(sts.name(), sts.text()).a("mta-sts." + domain, "127.0.0.1");
        }
        a = startA("ca_file = \"" + pki.writeCaPem(dir.resolve("ca.pem")) + "\"\nmta_sts_port = " + b.port("autoconfigs") + "\n");

        String id = send(a, "alice@a.test", BODY, "bob@b.test");
        await().atMost(WAIT).until(() -> b.inbox("bob@b.test").size() == 1);
        assertThat(b.content(b.inbox("bob@b.test").get(0))).contains("with ESMTPS");
        await().atMost(WAIT).until(() -> a.services().queue().message(id).isEmpty());

        // B's policy names mx.b.test only: d.test, whose MX host is another name for the same
        // server, gets nothing.
        dns.mx("d.test", 10, "mx2.b.test").a("mx2.b.test", "127.0.0.3");
        String second = send(a, "alice@a.test", BODY, "dave@d.test");
        awaitDeferred(second, "names none of its MX hosts");
        assertThat(b.inbox("dave@d.test")).isEmpty();
    }

    @Test
    void theOperatorsTlsPolicyForADomainComesBeforeItsMtaStsPolicy() throws Exception {
        try (PolicyHost host = new PolicyHost("version: STSv1\nmode: enforce\nmx: mx.b.test\nmax_age: 86400\n")) {
            dns.txt("_mta-sts.b.test", "v=STSv1; id=1;").a("mta-sts.b.test", "127.0.0.1");
            a = startA(host.deliveryConfig(dir) + "[delivery.tls_policy]\n\"b.test\" = \"may\"\n");
            try (ScriptedSmtpServer mx = mxWithStartTls(host.pki.serverContext("other.test"))) {
                send(a, "alice@a.test", BODY, "bob@b.test");
                await().atMost(WAIT).until(() -> mx.messages().size() == 1);
            }
            assertThat(host.fetches.get()).isZero();
        }
    }

    @Test
    void aSmarthostTakesAllRemoteMailWithAuthOverStartTls() throws Exception {
        b = startB("submission = [\"127.0.0.3:0\"]\n");
        b.services().directory().addUser("relay@b.test", "relay secret");
        int submission = b.port("submission");
        a = startA("\n[delivery.smarthost]\nhost = \"127.0.0.3\"\nport = " + submission
                + "\ntls = \"starttls\"\nverify_certificate = false\nusername = \"relay@b.test\"\npassword = \"relay secret\"\n");
        // The MX of b.test would lead to port 25 of B; the smarthost is B's submission port instead.
        dns.remove("b.test");
        String id = sendWith(a, "relay@b.test", BODY.replace("alice@a.test", "relay@b.test"), null,
                List.of(Recipient.of(MailAddress.parse("bob@b.test"))));
        await().atMost(WAIT).until(() -> b.inbox("bob@b.test").size() == 1);
        String received = b.content(b.inbox("bob@b.test").get(0));
        assertThat(received).contains("with ESMTPSA");   // RFC 3848: TLS and AUTH
        await().atMost(WAIT).until(() -> a.services().queue().message(id).isEmpty());
    }

    @Test
    void aCertificateThatCannotBeVerifiedDefersWhenVerificationIsRequired() throws Exception {
        b = startB();
        a = startA("tls = \"verify\"\n");
        String id = send(a, "alice@a.test", BODY, "bob@b.test");
        await().atMost(WAIT).until(() -> a.services().queue().recipients(id).stream()
                .anyMatch(r -> r.state().equals("deferred")));
        assertThat(a.services().queue().recipients(id).get(0).lastError()).contains("4.7.5");
        assertThat(b.inbox("bob@b.test")).isEmpty();
    }

    @Test
    void aMessageLargerThanTheRemoteLimitBouncesWithoutBeingSent() throws Exception {
        Path d = dir.resolve("b");
        Files.createDirectories(d);
        b = new RunningServer(d, "hostname = \"mx.b.test\"\n" + dnsConfig() + "\n[smtp]\nmax_message_size = 65536\n", "",
                null, "127.0.0.3:" + port);
        b.services().directory().addDomain("b.test");
        b.services().directory().addUser("bob@b.test", "bob pw");
        a = startA("");
        String big = BODY + ("x".repeat(70) + "\r\n").repeat(1000);
        send(a, "alice@a.test", big, "bob@b.test");
        await().atMost(WAIT).until(() -> a.inbox("alice@a.test").size() == 1);
        String status = deliveryStatus(parse(a.content(a.inbox("alice@a.test").get(0))));
        assertThat(status).contains("Status: 5.3.4", "Final-Recipient: rfc822; bob@b.test");
        assertThat(b.inbox("bob@b.test")).isEmpty();
    }

    @Test
    void expiredMailBouncesAndDelayedMailWarnsTheSenderOnce() throws Exception {
        a = startA("delay_warning = \"1s\"\nmax_lifetime = \"5s\"\n");
        String id = send(a, "alice@a.test", BODY, "bob@b.test");
        await().atMost(WAIT).until(() -> a.inbox("alice@a.test").size() == 2);
        await().atMost(WAIT).until(() -> a.services().queue().message(id).isEmpty());
        List<String> reports = a.inbox("alice@a.test").stream().map(a::content).toList();
        assertThat(deliveryStatus(parse(reports.get(0)))).contains("Action: delayed", "Will-Retry-Until:");
        assertThat(deliveryStatus(parse(reports.get(1)))).contains("Action: failed", "Status: 4.4.7");
    }

    @Test
    void aBounceIsNeverBounced() throws Exception {
        a = startA("");
        Envelope env = new Envelope(null, List.of(Recipient.of(MailAddress.parse("someone@nomail.test"))), "7BIT",
                false, null, null, new ClientInfo("127.0.0.1", null, "x", "ESMTP", "smtp", null), Instant.now());
        String id = a.services().queue().newId();
        BlobSink sink = a.services().queue().newBody(id);
        sink.write(ByteBuffer.wrap(BODY.getBytes(StandardCharsets.UTF_8)));
        a.services().queue().enqueue(id, env, sink).join();
        await().atMost(WAIT).until(() -> a.services().queue().message(id).isEmpty());
        assertThat(a.services().queue().list(10)).isEmpty();
    }

    @Test
    void successNotificationsForLocalAndRelayedDelivery() throws Exception {
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();   // announces no DSN
        o.bind = "127.0.0.3";
        o.port = port;
        try (ScriptedSmtpServer fake = new ScriptedSmtpServer(o)) {
            a = startA("");
            a.services().directory().addUser("dave@a.test", "dave pw");
            sendWith(a, "alice@a.test", BODY, null, List.of(
                    new Recipient(MailAddress.parse("bob@b.test"), Set.of("SUCCESS"), null),
                    new Recipient(MailAddress.parse("dave@a.test"), Set.of("SUCCESS", "FAILURE"), null)));
            await().atMost(WAIT).until(() -> a.inbox("alice@a.test").size() == 2);
            String all = a.inbox("alice@a.test").stream().map(m -> {
                try {
                    return deliveryStatus(parse(a.content(m)));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }).reduce("", String::concat);
            assertThat(all).containsPattern("Final-Recipient: rfc822; bob@b.test\\r?\\nAction: relayed")
                    .containsPattern("Final-Recipient: rfc822; dave@a.test\\r?\\nAction: delivered");
            assertThat(fake.messages()).hasSize(1);
        }
    }

    @Test
    void submittedMailIsDkimSignedAndAnIndependentVerifierAcceptsItWithKeysFromDns() throws Exception {
        b = startB();
        a = startA("");
        for (var key : a.services().dkimKeys().generate("a.test")) {
            dns.txt(key.selector() + "._domainkey.a.test", key.dnsRecordText());
        }
        send(a, "alice@a.test", BODY, "bob@b.test");
        await().atMost(WAIT).until(() -> b.inbox("bob@b.test").size() == 1);
        String received = b.content(b.inbox("bob@b.test").get(0));
        assertThat(received).contains("a=rsa-sha256", "a=ed25519-sha256", "d=a.test");
        String out = dkimpyVerifies(received);
        assertThat(out).contains("pass");

        // Tampered in transit: the verifier says so.
        assertThatThrownBy(() -> dkimpyVerifies(received.replace("Hello from A", "Hello from Mallory")))
                .hasMessageContaining("exit status 1");
    }

    /** What dkimpy says of a received message, with the keys from the test DNS server; fails unless it verifies. */
    private String dkimpyVerifies(String received) throws Exception {
        Path file = dir.resolve("signed.eml");
        Files.writeString(file, received);
        Path script = dir.resolve("verify_dkim_dns.py");
        try (var in = getClass().getResourceAsStream("/dkim/verify_dkim_dns.py")) {
            Files.write(script, in.readAllBytes());
        }
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        Process p = new ProcessBuilder(python, script.toString(), file.toString(), "127.0.0.1",
                String.valueOf(dns.nameserver().getPort())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        if (p.exitValue() != 0) {
            throw new AssertionError("dkimpy: exit status " + p.exitValue() + ": " + out);
        }
        return out;
    }

    @Test
    void linesOver998OctetsAreBrokenBeforeSigningAndTheSignatureStillVerifies() throws Exception {
        b = startB();
        a = startA("");
        for (var key : a.services().dkimKeys().generate("a.test")) {
            dns.txt(key.selector() + "._domainkey.a.test", key.dnsRecordText());
        }
        String references = "References:" + " <ref-%d@a.test>".repeat(120).formatted(
                java.util.stream.IntStream.range(0, 120).boxed().toArray());
        String html = "<html><body>" + "<p>one long generated line</p> ".repeat(150) + "</body></html>";
        String token = "Z".repeat(2200);
        String message = "From: alice@a.test\r\nTo: bob@b.test\r\nSubject: long lines\r\n" + references
                + "\r\nMessage-ID: <long@a.test>\r\nContent-Type: text/html\r\n\r\n" + html + "\r\n" + token + "\r\n";
        send(a, "alice@a.test", message, "bob@b.test");
        await().atMost(WAIT).until(() -> b.inbox("bob@b.test").size() == 1);
        String received = b.content(b.inbox("bob@b.test").get(0));

        for (String line : received.split("\r\n")) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(998);
        }
        // The header field and the HTML were broken at white space: unfolded, they are what was sent.
        String unfolded = received.replaceAll("\r\n(?=[ \t])", "");
        assertThat(unfolded).contains(references + "\r\n", html + "\r\n");
        assertThat(received).contains("\r\n" + "Z".repeat(998) + "\r\n " + "Z".repeat(997) + "\r\n " + "Z".repeat(205) + "\r\n");

        // The signature covers the lines as they were sent.
        assertThat(dkimpyVerifies(received)).contains("pass");
    }

    @Test
    void mailThatCameFromElsewhereIsNotSignedWithALocalKey() throws Exception {
        b = startB();
        a = startA("");
        a.services().dkimKeys().generate("a.test");
        String id = a.services().queue().newId();
        BlobSink sink = a.services().queue().newBody(id);
        sink.write(ByteBuffer.wrap(BODY.getBytes(StandardCharsets.UTF_8)));
        Envelope env = new Envelope(MailAddress.parse("alice@a.test"), List.of(Recipient.of(MailAddress.parse("bob@b.test"))),
                "7BIT", false, null, null, new ClientInfo("192.0.2.9", null, "spoofer.example", "ESMTP", "smtp", null),
                Instant.now());
        a.services().queue().enqueue(id, env, sink).join();
        await().atMost(WAIT).until(() -> b.inbox("bob@b.test").size() == 1);
        assertThat(b.content(b.inbox("bob@b.test").get(0))).doesNotContain("DKIM-Signature");
    }

    @Test
    void oneConnectionCarriesSeveralMessagesToTheSameHost() throws Exception {
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
        o.bind = "127.0.0.3";
        o.port = port;
        try (ScriptedSmtpServer fake = new ScriptedSmtpServer(o)) {
            a = startA("");
            send(a, "alice@a.test", BODY, "bob@b.test");
            await().atMost(WAIT).until(() -> fake.messages().size() == 1);
            send(a, "alice@a.test", BODY, "bob@b.test");
            await().atMost(WAIT).until(() -> fake.messages().size() == 2);
            send(a, "alice@a.test", BODY, "carol@b.test");
            await().atMost(WAIT).until(() -> fake.messages().size() == 3);
            assertThat(fake.commands().stream().filter(c -> c.startsWith("EHLO")).count()).isEqualTo(1);
        }
    }

    @Test
    void aSilentServerDoesNotHoldUpMailForOtherDomains() throws Exception {
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
        o.bind = "127.0.0.4";
        o.port = port;
        o.silent = true;
        dns.mx("slow.test", 10, "mx.slow.test").a("mx.slow.test", "127.0.0.4");
        try (ScriptedSmtpServer silent = new ScriptedSmtpServer(o)) {
            b = startB();
            a = startA("");
            String stuck = send(a, "alice@a.test", BODY, "someone@slow.test");
            send(a, "alice@a.test", BODY, "bob@b.test");
            await().atMost(WAIT).until(() -> b.inbox("bob@b.test").size() == 1);
            assertThat(a.services().queue().message(stuck)).isPresent();
        }
    }

    @Test
    void aUtf8AddressToAServerWithoutSmtpUtf8FailsPermanently() throws Exception {
        try (ScriptedSmtpServer fake = new ScriptedSmtpServer(asB(new ScriptedSmtpServer.Options()))) {   // no SMTPUTF8
            a = startA("");
            sendDeclared(BODY, "8BITMIME", true, "jörg@b.test");
            await().atMost(WAIT).until(() -> a.inbox("alice@a.test").size() == 1);
            String status = deliveryStatus(parse(a.content(a.inbox("alice@a.test").get(0))));
            assertThat(status).contains("Status: 5.6.7");
            assertThat(fake.messages()).isEmpty();
        }
    }

    @Test
    void aMessageFlaggedSmtpUtf8ThatIsAsciiGoesToAServerWithoutIt() throws Exception {
        try (ScriptedSmtpServer fake = new ScriptedSmtpServer(asB(new ScriptedSmtpServer.Options()))) {   // no SMTPUTF8
            a = startA("");
            // Some clients ask for SMTPUTF8 whenever it is offered: nothing in this one needs it.
            sendFlaggedSmtpUtf8(BODY, "bob@b.test");
            await().atMost(WAIT).until(() -> fake.messages().size() == 1);
            assertThat(fake.messages().get(0)).contains("Hello from A");
            assertThat(fake.commands()).anyMatch(c -> c.startsWith("MAIL FROM:<alice@a.test>"))
                    .noneMatch(c -> c.contains("SMTPUTF8"));

            // A UTF-8 header value does need it: that one cannot go there.
            sendFlaggedSmtpUtf8(BODY.replace("Subject: hello", "Subject: grüße"), "bob@b.test");
            await().atMost(WAIT).until(() -> a.inbox("alice@a.test").size() == 1);
            assertThat(deliveryStatus(parse(a.content(a.inbox("alice@a.test").get(0))))).contains("Status: 5.6.7");
            assertThat(fake.messages()).hasSize(1);
        }
    }

    @Test
    void aMessageDeclared8BitThatIs7BitGoesToAServerWithout8BitMime() throws Exception {
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
        o.eightBitMime = false;
        try (ScriptedSmtpServer fake = new ScriptedSmtpServer(asB(o))) {
            a = startA("");
            // BODY=8BITMIME is what many clients send whenever it is offered.
            String big = BODY + "x".repeat(100_000) + "\r\n";
            sendDeclared(big, "8BITMIME", false, "bob@b.test");
            await().atMost(WAIT).until(() -> fake.messages().size() == 1);
            assertThat(fake.commands()).anyMatch(c -> c.startsWith("MAIL FROM:<alice@a.test>"))
                    .noneMatch(c -> c.contains("BODY="));

            // 8-bit in a header section cannot go there: it bounces (RFC 6152 §3).
            sendDeclared(BODY.replace("Subject: hello", "Subject: Grüße"), "8BITMIME", false, "bob@b.test");
            await().atMost(WAIT).until(() -> a.inbox("alice@a.test").size() == 1);
            assertThat(deliveryStatus(parse(a.content(a.inbox("alice@a.test").get(0))))).contains("Status: 5.6.3");
            assertThat(fake.messages()).hasSize(1);
        }
    }

    @Test
    void eightBitContentGoesToAServerWithout8BitMimeInQuotedPrintableAndStillVerifies() throws Exception {
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
        o.eightBitMime = false;
        try (ScriptedSmtpServer fake = new ScriptedSmtpServer(asB(o))) {
            a = startA("");
            for (var key : a.services().dkimKeys().generate("a.test")) {
                dns.txt(key.selector() + "._domainkey.a.test", key.dnsRecordText());
            }
            String text = "Grüße aus A, " + "très longue ligne ".repeat(80) + "\r\nEnde.";
            sendDeclared(BODY.replace("Message-ID", "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    + "Content-Transfer-Encoding: 8bit\r\nMessage-ID").replace("Hello from A", text), "8BITMIME", false, "bob@b.test");
            await().atMost(WAIT).until(() -> fake.messages().size() == 1);

            String received = fake.messages().get(0);
            assertThat(fake.commands()).anyMatch(c -> c.startsWith("MAIL FROM:<alice@a.test>"))
                    .noneMatch(c -> c.contains("BODY="));
            assertThat(received.chars()).allMatch(c -> c < 128);
            assertThat(received).contains("Content-Transfer-Encoding: quoted-printable\r\n", "Gr=C3=BC=C3=9Fe aus A")
                    .doesNotContain("Content-Transfer-Encoding: 8bit");
            for (String line : received.split("\r\n")) {
                assertThat(line.length()).isLessThanOrEqualTo(998);
            }
            // A MIME reader gets the text back, and the signature covers what was sent.
            var message = new jakarta.mail.internet.MimeMessage(jakarta.mail.Session.getInstance(new java.util.Properties()),
                    new java.io.ByteArrayInputStream(received.getBytes(StandardCharsets.US_ASCII)));
            assertThat(message.getContent()).isEqualTo(text + "\r\n");
            assertThat(dkimpyVerifies(received)).contains("pass");

            // 8-bit content its sender declared 7-bit is converted too.
            sendDeclared(BODY.replace("Hello from A", "Grüße, undeclared"), "7BIT", false, "bob@b.test");
            await().atMost(WAIT).until(() -> fake.messages().size() == 2);
            assertThat(fake.messages().get(1)).contains("Content-Transfer-Encoding: quoted-printable\r\n",
                    "MIME-Version: 1.0\r\n", "Gr=C3=BC=C3=9Fe, undeclared");
            assertThat(fake.messages().get(1).chars()).allMatch(c -> c < 128);
            assertThat(a.inbox("alice@a.test")).isEmpty();
        }
    }

    /** A scripted server where B's MX points (127.0.0.3 on the test port). */
    private ScriptedSmtpServer.Options asB(ScriptedSmtpServer.Options o) {
        o.bind = "127.0.0.3";
        o.port = port;
        return o;
    }

    private void sendFlaggedSmtpUtf8(String content, String recipient) throws IOException {
        sendDeclared(content, "8BITMIME", true, recipient);
    }

    private void sendDeclared(String content, String body, boolean smtpUtf8, String recipient) throws IOException {
        String id = a.services().queue().newId();
        BlobSink sink = a.services().queue().newBody(id);
        sink.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
        Envelope env = new Envelope(MailAddress.parse("alice@a.test"), List.of(Recipient.of(MailAddress.parse(recipient))),
                body, smtpUtf8, null, null,
                new ClientInfo("127.0.0.1", null, "x", "ESMTPSA", "submission", "alice@a.test"), Instant.now());
        a.services().queue().enqueue(id, env, sink).join();
    }

    @Test
    void anUnreachableIpv6AddressFallsBackToIpv4OfTheSameHost() throws Exception {
        dns.aaaa("mx.b.test", "::1");   // nothing listens there on this port
        b = startB();
        a = startA("");
        String id = send(a, "alice@a.test", BODY, "bob@b.test");
        await().atMost(WAIT).until(() -> b.inbox("bob@b.test").size() == 1);
        await().atMost(WAIT).until(() -> a.services().queue().message(id).isEmpty());
    }
}
