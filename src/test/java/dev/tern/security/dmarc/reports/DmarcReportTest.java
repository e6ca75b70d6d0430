package dev.tern.security.dmarc.reports;

import dev.tern.store.Rows;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DmarcReportTest {

    private static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void whatAMessageCarriesIsEscapedOrReplacedSoThatTheReportStaysWellFormed() throws Exception {
        String record = "{\"source_ip\":\"192.0.2.1\",\"disposition\":\"none\",\"dkim\":\"fail\",\"spf\":\"fail\","
                + "\"header_from\":\"example.com\",\"auth_dkim\":[{\"domain\":\"example.com\",\"selector\":"
                + "\"s<1>&\\u0001\\u0007\",\"result\":\"fail\"}],"
                + "\"auth_spf\":{\"domain\":\"example.com\",\"scope\":\"mfrom\",\"result\":\"none\"}}";
        String policy = "{\"domain\":\"example.com\",\"adkim\":\"r\",\"aspf\":\"r\",\"p\":\"none\",\"sp\":\"none\",\"pct\":100,"
                + "\"rua\":[\"mailto:a@example.com\"]}";
        String xml = DmarcReport.xml("Org & Co <x>", "r@example.org", null, "id1@example.org", LocalDate.of(2026, 11, 30),
                List.of(new Rows.DmarcReportRow("2026-11-30", "example.com", policy, record, 4)));
        Document d = parse(xml);
        var x = XPathFactory.newInstance().newXPath();
        assertThat(x.evaluate("/feedback/report_metadata/org_name", d)).isEqualTo("Org & Co <x>");
        assertThat(x.evaluate("/feedback/record/auth_results/dkim/selector", d)).isEqualTo("s<1>&??");
        assertThat(x.evaluate("/feedback/record/row/count", d)).isEqualTo("4");
        assertThat(x.evaluate("count(/feedback/record/identifiers/envelope_from)", d)).isEqualTo("0");
        assertThat(x.evaluate("/feedback/report_metadata/date_range/end", d)).isEqualTo("1796083199");
    }

    @Test
    void aPolicyNotAppliedSaysWhyInItsRow() throws Exception {
        String record = "{\"source_ip\":\"192.0.2.1\",\"disposition\":\"none\",\"dkim\":\"fail\",\"spf\":\"fail\","
                + "\"reason\":{\"type\":\"trusted_forwarder\",\"comment\":\"arc=pass, sealed by lists.example\"},"
                + "\"header_from\":\"example.com\",\"auth_dkim\":[],"
                + "\"auth_spf\":{\"domain\":\"lists.example\",\"scope\":\"mfrom\",\"result\":\"pass\"}}";
        String policy = "{\"domain\":\"example.com\",\"adkim\":\"r\",\"aspf\":\"r\",\"p\":\"reject\",\"sp\":\"reject\","
                + "\"pct\":100,\"rua\":[\"mailto:a@example.com\"]}";
        Document d = parse(DmarcReport.xml("Org", "r@example.org", null, "id2@example.org", LocalDate.of(2026, 11, 30),
                List.of(new Rows.DmarcReportRow("2026-11-30", "example.com", policy, record, 1))));
        var x = XPathFactory.newInstance().newXPath();
        assertThat(x.evaluate("/feedback/record/row/policy_evaluated/reason/type", d)).isEqualTo("trusted_forwarder");
        assertThat(x.evaluate("/feedback/record/row/policy_evaluated/reason/comment", d))
                .isEqualTo("arc=pass, sealed by lists.example");
        // The schema's order: disposition, dkim, spf, then the reasons.
        assertThat(x.evaluate("name(/feedback/record/row/policy_evaluated/*[4])", d)).isEqualTo("reason");
    }
}
