package dev.tern.delivery.tlsrpt;

import dev.tern.delivery.mtasts.StsPolicy;
import dev.tern.mail.IpAddresses;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Outbound TLS sessions counted in memory for the daily reports, and added to the store by
 * {@link #flush}: a session costs a map update, not a write.
 */
public final class TlsSessionCounts {

    private static final Logger log = LoggerFactory.getLogger("dev.tern.delivery");

    /** The policy type of a session to a domain without an MTA-STS policy (RFC 8460 §4.4). */
    static final String NO_POLICY = "no-policy-found";

    private final Clock clock;
    private final Map<Key, Long> counts = new ConcurrentHashMap<>();

    private record Key(String day, String domain, String policyType, String policyString, String mxHost,
                       String resultType, String sendingIp, String receivingMx, String receivingIp) {
    }

    public TlsSessionCounts(Clock clock) {
        this.clock = clock;
    }

    /**
     * Counts one TLS negotiation with an MX host of {@code domain}.
     *
     * @param policy     the MTA-STS policy in force (enforce or testing), or null
     * @param resultType null for a session that went encrypted, else what failed ({@link TlsResultType})
     * @param local      this side's address of the connection
     * @param mx         the MX host's name
     * @param remote     the MX host's address
     */
    public void count(String domain, StsPolicy policy, String resultType, InetSocketAddress local, String mx,
                      InetSocketAddress remote) {
        String day = LocalDate.now(clock.withZone(ZoneOffset.UTC)).toString();
        String type = policy == null ? NO_POLICY : "sts";
        String text = policy == null ? "" : String.join("\n", policyLines(policy));
        String patterns = policy == null ? "" : String.join("\n", policy.mx());
        Key key = resultType == null
                ? new Key(day, domain, type, text, patterns, "", "", "", "")
                : new Key(day, domain, type, text, patterns, resultType, address(local), mx, address(remote));
        counts.merge(key, 1L, Long::sum);
    }

    /**
     * Counts one session with an MX host of a domain whose announced MTA-STS policy could not be
     * had (RFC 8460 §4.3.2.2): a failure of the policy, whatever TLS did.
     *
     * @param resultType {@code sts-policy-fetch-error}, {@code sts-webpki-invalid} or {@code sts-policy-invalid}
     */
    public void countPolicyFailure(String domain, String resultType, InetSocketAddress local, String mx,
                                   InetSocketAddress remote) {
        String day = LocalDate.now(clock.withZone(ZoneOffset.UTC)).toString();
        counts.merge(new Key(day, domain, "sts", "", "", resultType, address(local), mx, address(remote)), 1L, Long::sum);
    }

    /**
     * Counts one TLS negotiation with an MX host whose DNSSEC-validated TLSA records applied
     * (RFC 8460 §4.4: policy type {@code tlsa}, the records as the policy string, the host as
     * {@code mx-host}), or one such host not tried because its records could not be had.
     *
     * @param records    the host's TLSA records as in a zone file ("3 1 1 …"); empty when unknown
     * @param resultType null for a session that went encrypted and matched, else what failed
     * @param local      this side's address of the connection, or null when none was made
     */
    public void countTlsa(String domain, String mx, List<String> records, String resultType, InetSocketAddress local,
                          InetSocketAddress remote) {
        String day = LocalDate.now(clock.withZone(ZoneOffset.UTC)).toString();
        String text = String.join("\n", records);
        Key key = resultType == null
                ? new Key(day, domain, "tlsa", text, mx, "", "", "", "")
                : new Key(day, domain, "tlsa", text, mx, resultType, address(local), mx, address(remote));
        counts.merge(key, 1L, Long::sum);
    }

    /** The lines of a policy as RFC 8461 §3.2 writes them, for the report's {@code policy-string}. */
    static List<String> policyLines(StsPolicy policy) {
        List<String> lines = new ArrayList<>();
        lines.add("version: STSv1");
        lines.add("mode: " + policy.mode().name().toLowerCase(java.util.Locale.ROOT));
        policy.mx().forEach(mx -> lines.add("mx: " + mx));
        lines.add("max_age: " + policy.maxAge().toSeconds());
        return lines;
    }

    private static String address(InetSocketAddress a) {
        return a == null || a.getAddress() == null ? "" : IpAddresses.format(a.getAddress());
    }

    /** Moves the counts made so far into the store; on failure they are kept for the next flush. */
    public void flush(MetadataStore store) {
        List<Rows.TlsReportCount> taken = new ArrayList<>();
        for (Key k : List.copyOf(counts.keySet())) {
            Long n = counts.remove(k);
            if (n != null) {
                taken.add(new Rows.TlsReportCount(k.day(), k.domain(), k.policyType(), k.policyString(), k.mxHost(),
                        k.resultType(), k.sendingIp(), k.receivingMx(), k.receivingIp(), n));
            }
        }
        if (taken.isEmpty()) {
            return;
        }
        try {
            store.writeAndWait(tx -> {
                tx.tlsReports().add(taken);
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("TLS report counts not stored yet: {}", e.toString());
            for (Rows.TlsReportCount c : taken) {
                counts.merge(new Key(c.day(), c.policyDomain(), c.policyType(), c.policyString(), c.mxHost(),
                        c.resultType(), c.sendingIp(), c.receivingMx(), c.receivingIp()), c.sessions(), Long::sum);
            }
        }
    }
}
