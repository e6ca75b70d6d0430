package dev.tern.delivery.tlsrpt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.tern.config.ReportSettings;
import dev.tern.dns.DnsResolver;
import dev.tern.mail.SpecialPurposeAddresses;
import dev.tern.store.Rows;
import dev.tern.store.embedded.SqliteMetadataStore;
import dev.tern.testing.TestDnsServer;
import dev.tern.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reports to {@code https:} addresses (RFC 8460 §5.2), against an HTTPS server on loopback: the
 * POST and its body, the refusal of addresses that are not public, and domains without a record.
 * (Reports by mail are shown end to end in {@code OutboundDeliveryTest}.)
 */
class TlsReportSenderTest {

    private static final LocalDate DAY = LocalDate.of(2026, 11, 30);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T01:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;
    TestDnsServer dns;
    DnsResolver resolver;
    SqliteMetadataStore store;
    HttpsServer https;
    TestPki pki = new TestPki();
    final List<String> contentTypes = new CopyOnWriteArrayList<>();
    final List<byte[]> bodies = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        resolver = new DnsResolver(dns.settings());
        store = new SqliteMetadataStore(dir.resolve("tern.db"), 2);
        https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(pki.serverContext("localhost")));
        https.createContext("/tlsrpt", exchange -> {
            contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
            bodies.add(exchange.getRequestBody().readAllBytes());
            exchange.sendResponseHeaders(201, -1);
            exchange.close();
        });
        https.start();
    }

    @AfterEach
    void stop() {
        https.stop(0);
        resolver.close();
        dns.close();
        store.close();
    }

    private void counted(String domain, long sessions) {
        store.writeAndWait(tx -> {
            tx.tlsReports().add(List.of(new Rows.TlsReportCount(DAY.toString(), domain, "no-policy-found", "", "", "",
                    "", "", "", sessions)));
            return null;
        });
    }

    private TlsReportSender sender(TlsReportUpload upload) {
        return new TlsReportSender(new ReportSettings(true, "tls-reports@sender.test", null, null), "mx.sender.test",
                resolver, store, null, Runnable::run, CLOCK, upload);
    }

    @Test
    void theReportIsPostedGzippedToTheHttpsAddress() throws Exception {
        dns.txt("_smtp._tls.example.com", "v=TLSRPTv1; rua=https://localhost:" + https.getAddress().getPort() + "/tlsrpt");
        counted("example.com", 42);
        int sent = sender(new TlsReportUpload(pki.clientContext(), a -> true, "test")).sendDue(DAY.plusDays(1)).join();
        assertThat(sent).isEqualTo(1);
        assertThat(contentTypes).containsExactly("application/tlsrpt+gzip");
        JsonNode report;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bodies.get(0)))) {
            report = new ObjectMapper().readTree(in);
        }
        assertThat(report.get("organization-name").asText()).isEqualTo("mx.sender.test");
        assertThat(report.get("contact-info").asText()).isEqualTo("tls-reports@sender.test");
        assertThat(report.at("/policies/0/policy/policy-domain").asText()).isEqualTo("example.com");
        assertThat(report.at("/policies/0/summary/total-successful-session-count").asLong()).isEqualTo(42);
        List<String[]> left = store.read(tx -> tx.tlsReports().pending(DAY.plusDays(1).toString(), 10));
        assertThat(left).isEmpty();
    }

    @Test
    void anAddressThatLeadsToThisHostOrItsNetworkIsNotPostedTo() {
        dns.txt("_smtp._tls.example.com", "v=TLSRPTv1; rua=https://localhost:" + https.getAddress().getPort() + "/tlsrpt");
        counted("example.com", 1);
        sender(new TlsReportUpload(pki.clientContext(), SpecialPurposeAddresses::isGloballyReachable, "test"))
                .sendDue(DAY.plusDays(1)).join();
        assertThat(bodies).isEmpty();
    }

    @Test
    void aDomainWithoutARecordGetsNothingAndItsCountsAreDropped() {
        counted("norecord.example", 3);
        int sent = sender(new TlsReportUpload(pki.clientContext(), a -> true, "test")).sendDue(DAY.plusDays(1)).join();
        assertThat(sent).isZero();
        assertThat(bodies).isEmpty();
        List<String[]> left = store.read(tx -> tx.tlsReports().pending(DAY.plusDays(1).toString(), 10));
        assertThat(left).isEmpty();
    }

    @Test
    void aDomainWhoseRecordCannotBeLookedUpIsTriedAgainLater() {
        dns.servfail("_smtp._tls.example.com");
        counted("example.com", 3);
        int sent = sender(new TlsReportUpload(pki.clientContext(), a -> true, "test")).sendDue(DAY.plusDays(1)).join();
        assertThat(sent).isZero();
        List<String[]> left = store.read(tx -> tx.tlsReports().pending(DAY.plusDays(1).toString(), 10));
        assertThat(left).hasSize(1);
        sender(new TlsReportUpload(pki.clientContext(), a -> true, "test")).sendDue(DAY.plusDays(TlsReportSender.KEEP_DAYS + 2)).join();
        List<String[]> dropped = store.read(tx -> tx.tlsReports().pending(DAY.plusDays(10).toString(), 10));
        assertThat(dropped).as("given up after a few days").isEmpty();
    }
}
