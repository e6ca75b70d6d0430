package dev.tern.security.dmarc.reports;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tern.mail.IpAddresses;
import dev.tern.security.dkim.DkimResult;
import dev.tern.security.dmarc.DmarcOutcome;
import dev.tern.security.dmarc.PublishedPolicy;
import dev.tern.security.spf.SpfOutcome;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Received messages counted in memory for the DMARC aggregate reports, and added to the store by
 * {@link #flush}: a message costs a map update, not a write.
 */
public final class DmarcReportCounts {

    private static final Logger log = LoggerFactory.getLogger("dev.tern.checks");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;
    private final Map<Key, Long> counts = new ConcurrentHashMap<>();

    private record Key(String day, String domain, String policy, String record) {
    }

    /**
     * Why a failing message's policy was not applied, as the report says it.
     *
     * @param type    one of the report schema's PolicyOverrideType values, e.g. {@code trusted_forwarder}
     * @param comment free text, e.g. which forwarder
     */
    public record Override(String type, String comment) {
    }

    public DmarcReportCounts(Clock clock) {
        this.clock = clock;
    }

    /**
     * Counts one message whose DMARC outcome names a published policy with {@code rua=}; others
     * are not reported.
     *
     * @param disposition  what this server did: {@code none}, {@code quarantine} or {@code reject}
     * @param source       the client that sent it
     * @param envelopeFrom the MAIL FROM domain, or null for the null reverse path
     * @param signatures   the DKIM results, or null when DKIM was not checked
     * @param spf          the SPF outcome, or null when SPF was not checked
     * @param override     why the domain's policy was not applied (RFC 7489 appendix C,
     *                     PolicyOverrideReason), or null
     */
    public void count(DmarcOutcome outcome, String disposition, InetAddress source, String envelopeFrom,
                      List<DkimResult> signatures, SpfOutcome spf, Override override) {
        PublishedPolicy p = outcome.published();
        if (p == null || p.rua().isEmpty() || source == null) {
            return;
        }
        ObjectNode record = JSON.createObjectNode();
        record.put("source_ip", IpAddresses.format(source));
        record.put("disposition", disposition);
        record.put("dkim", outcome.dkimAligned() ? "pass" : "fail");
        record.put("spf", outcome.spfAligned() ? "pass" : "fail");
        if (override != null) {
            record.putObject("reason").put("type", override.type()).put("comment", override.comment());
        }
        record.put("header_from", outcome.fromDomain());
        if (envelopeFrom != null) {
            record.put("envelope_from", envelopeFrom);
        }
        ArrayNode dkim = record.putArray("auth_dkim");
        if (signatures != null) {
            for (DkimResult r : signatures) {
                if (r.domain() != null) {
                    dkim.addObject().put("domain", r.domain()).put("selector", r.selector())
                            .put("result", r.status().keyword());
                }
            }
        }
        ObjectNode s = record.putObject("auth_spf");
        if (spf != null && spf.domain() != null) {
            s.put("domain", spf.domain()).put("scope", "helo".equals(spf.identity()) ? "helo" : "mfrom")
                    .put("result", spf.result().keyword());
        } else {
            s.put("domain", envelopeFrom == null ? outcome.fromDomain() : envelopeFrom).put("scope", "mfrom")
                    .put("result", "none");
        }
        String day = LocalDate.now(clock.withZone(ZoneOffset.UTC)).toString();
        counts.merge(new Key(day, p.domain(), policyJson(p), record.toString()), 1L, Long::sum);
    }

    static String policyJson(PublishedPolicy p) {
        ObjectNode n = JSON.createObjectNode();
        n.put("domain", p.domain());
        n.put("adkim", p.strictDkim() ? "s" : "r");
        n.put("aspf", p.strictSpf() ? "s" : "r");
        n.put("p", p.policy().keyword());
        n.put("sp", (p.subdomainPolicy() == null ? p.policy() : p.subdomainPolicy()).keyword());
        n.put("pct", p.percent());
        ArrayNode rua = n.putArray("rua");
        p.rua().forEach(rua::add);
        return n.toString();
    }

    /** Moves the counts made so far into the store; on failure they are kept for the next flush. */
    public void flush(MetadataStore store) {
        List<Rows.DmarcReportRow> taken = new ArrayList<>();
        for (Key k : List.copyOf(counts.keySet())) {
            Long n = counts.remove(k);
            if (n != null) {
                taken.add(new Rows.DmarcReportRow(k.day(), k.domain(), k.policy(), k.record(), n));
            }
        }
        if (taken.isEmpty()) {
            return;
        }
        try {
            store.writeAndWait(tx -> {
                tx.dmarcReports().add(taken);
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("DMARC report counts not stored yet: {}", e.toString());
            for (Rows.DmarcReportRow r : taken) {
                counts.merge(new Key(r.day(), r.policyDomain(), r.policy(), r.record()), r.messages(), Long::sum);
            }
        }
    }
}
