package dev.tern.delivery.tlsrpt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tern.delivery.mtasts.StsPolicy;
import dev.tern.store.Rows;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

class TlsReportTest {

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    private static final LocalDate DAY = LocalDate.of(2026, 11, 30);

    private static Rows.TlsReportCount count(String policyType, String text, String mx, String result, long n) {
        return new Rows.TlsReportCount(DAY.toString(), "example.com", policyType, text, mx, result,
                result.isEmpty() ? "" : "192.0.2.1", result.isEmpty() ? "" : "mx1.example.com",
                result.isEmpty() ? "" : "198.51.100.7", n);
    }

    @Test
    void aDomainWithoutPolicyIsReportedAsNoPolicyFoundWithItsCounts() throws Exception {
        String json = TlsReport.json("Tern Org", "postmaster@sender.test", "r1@sender.test", DAY, List.of(
                count("no-policy-found", "", "", "", 12),
                count("no-policy-found", "", "", "starttls-not-supported", 3)));
        JsonNode r = new ObjectMapper().readTree(json);
        assertThat(r.get("organization-name").asText()).isEqualTo("Tern Org");
        assertThat(r.get("report-id").asText()).isEqualTo("r1@sender.test");
        JsonNode p = r.at("/policies/0");
        assertThat(p.at("/policy/policy-type").asText()).isEqualTo("no-policy-found");
        assertThat(p.at("/policy").has("policy-string")).isFalse();
        assertThat(p.at("/policy").has("mx-host")).isFalse();
        assertThat(p.at("/summary/total-successful-session-count").asLong()).isEqualTo(12);
        assertThat(p.at("/summary/total-failure-session-count").asLong()).isEqualTo(3);
        assertThat(p.at("/failure-details/0/result-type").asText()).isEqualTo("starttls-not-supported");
        assertThat(p.at("/failure-details/0/sending-mta-ip").asText()).isEqualTo("192.0.2.1");
        assertThat(p.at("/failure-details/0/receiving-ip").asText()).isEqualTo("198.51.100.7");
        assertThat(p.at("/failure-details/0/failed-session-count").asLong()).isEqualTo(3);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(dev.tern.reports.DailyReports.gzip(json)))) {
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(json);
        }
    }

    @Test
    void aPolicyChangeDuringTheDayMakesTwoPolicyEntries() throws Exception {
        String json = TlsReport.json("o", "c", "id", DAY, List.of(
                count("sts", "version: STSv1\nmode: testing\nmx: mx1.example.com\nmax_age: 86400", "mx1.example.com", "", 5),
                count("sts", "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 86400", "mx1.example.com", "", 7)));
        JsonNode r = new ObjectMapper().readTree(json);
        assertThat(r.get("policies")).hasSize(2);
        assertThat(r.at("/policies/1/policy/policy-string/1").asText()).isEqualTo("mode: enforce");
        assertThat(r.at("/policies/1/summary/total-successful-session-count").asLong()).isEqualTo(7);
        assertThat(r.at("/policies/1").has("failure-details")).isFalse();
    }

    @Test
    void sessionsAreCountedPerDayDomainPolicyAndFailureAndStoredOnce() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC);
        TlsSessionCounts counts = new TlsSessionCounts(clock);
        StsPolicy policy = StsPolicy.parse("version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 604800\n");
        InetSocketAddress local = new InetSocketAddress("192.0.2.1", 40000);
        InetSocketAddress mx = new InetSocketAddress("198.51.100.7", 25);
        counts.count("example.com", policy, null, local, "mx1.example.com", mx);
        counts.count("example.com", policy, null, local, "mx2.example.com", mx);
        counts.count("example.com", policy, "certificate-expired", local, "mx1.example.com", mx);
        counts.count("example.org", null, null, local, "mx.example.org", mx);
        assertThat(TlsSessionCounts.policyLines(policy))
                .containsExactly("version: STSv1", "mode: enforce", "mx: *.example.com", "max_age: 604800");
        dev.tern.store.embedded.SqliteMetadataStore store =
                new dev.tern.store.embedded.SqliteMetadataStore(dir.resolve("tern.db"), 2);
        try {
            counts.flush(store);
            counts.count("example.com", policy, null, local, "mx1.example.com", mx);
            counts.flush(store);
            counts.flush(store);   // nothing new: nothing added
            List<String[]> sameDay = store.read(tx -> tx.tlsReports().pending("2026-11-30", 10));
            assertThat(sameDay).as("the day is not over").isEmpty();
            List<String[]> nextDay = store.read(tx -> tx.tlsReports().pending("2026-12-01", 10));
            assertThat(nextDay).extracting(p -> p[0] + " " + p[1])
                    .containsExactly("2026-11-30 example.com", "2026-11-30 example.org");
            List<Rows.TlsReportCount> rows = store.writeAndWait(tx -> tx.tlsReports().take("2026-11-30", "example.com"));
            assertThat(rows).extracting(Rows.TlsReportCount::resultType, Rows.TlsReportCount::receivingMx,
                            Rows.TlsReportCount::sendingIp, Rows.TlsReportCount::sessions)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("", "", "", 3L),
                            org.assertj.core.groups.Tuple.tuple("certificate-expired", "mx1.example.com", "192.0.2.1", 1L));
            assertThat(rows).allMatch(r -> r.policyType().equals("sts") && r.mxHost().equals("*.example.com"));
            List<Rows.TlsReportCount> again = store.writeAndWait(tx -> tx.tlsReports().take("2026-11-30", "example.com"));
            assertThat(again).as("taken once").isEmpty();
            List<String[]> left = store.read(tx -> tx.tlsReports().pending("2026-12-01", 10));
            assertThat(left).hasSize(1);
        } finally {
            store.close();
        }
    }
}
