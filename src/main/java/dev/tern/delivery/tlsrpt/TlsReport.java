package dev.tern.delivery.tlsrpt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tern.store.Rows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One day's aggregate report for one recipient domain, in the JSON format of RFC 8460 §4. */
public final class TlsReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TlsReport() {
    }

    /**
     * The report's JSON text.
     *
     * @param counts the day's counts for the domain (one domain, one day)
     */
    public static String json(String organization, String contact, String reportId, LocalDate day,
                              List<Rows.TlsReportCount> counts) {
        ObjectNode report = JSON.createObjectNode();
        report.put("organization-name", organization);
        ObjectNode range = report.putObject("date-range");
        range.put("start-datetime", day + "T00:00:00Z");
        range.put("end-datetime", day + "T23:59:59Z");
        report.put("contact-info", contact);
        report.put("report-id", reportId);
        ArrayNode policies = report.putArray("policies");
        Map<String, List<Rows.TlsReportCount>> byPolicy = new LinkedHashMap<>();
        for (Rows.TlsReportCount c : counts) {
            byPolicy.computeIfAbsent(c.policyType() + "\n\n" + c.policyString() + "\n\n" + c.mxHost(),
                    k -> new java.util.ArrayList<>()).add(c);
        }
        for (List<Rows.TlsReportCount> group : byPolicy.values()) {
            Rows.TlsReportCount first = group.get(0);
            ObjectNode entry = policies.addObject();
            ObjectNode policy = entry.putObject("policy");
            policy.put("policy-type", first.policyType());
            if (!first.policyString().isEmpty()) {
                ArrayNode lines = policy.putArray("policy-string");
                first.policyString().lines().forEach(lines::add);
            }
            policy.put("policy-domain", first.policyDomain());
            if (!first.mxHost().isEmpty()) {
                ArrayNode mx = policy.putArray("mx-host");
                first.mxHost().lines().forEach(mx::add);
            }
            long succeeded = 0;
            long failed = 0;
            ArrayNode details = JSON.createArrayNode();
            for (Rows.TlsReportCount c : group) {
                if (c.resultType().isEmpty()) {
                    succeeded += c.sessions();
                    continue;
                }
                failed += c.sessions();
                ObjectNode d = details.addObject();
                d.put("result-type", c.resultType());
                if (!c.sendingIp().isEmpty()) {
                    d.put("sending-mta-ip", c.sendingIp());
                }
                d.put("receiving-mx-hostname", c.receivingMx());
                if (!c.receivingIp().isEmpty()) {
                    d.put("receiving-ip", c.receivingIp());
                }
                d.put("failed-session-count", c.sessions());
            }
            ObjectNode summary = entry.putObject("summary");
            summary.put("total-successful-session-count", succeeded);
            summary.put("total-failure-session-count", failed);
            if (!details.isEmpty()) {
                entry.set("failure-details", details);
            }
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
