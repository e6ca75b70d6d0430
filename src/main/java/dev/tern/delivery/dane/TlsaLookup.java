package dev.tern.delivery.dane;

import dev.tern.dns.DnsAnswer;
import dev.tern.dns.DnsResolver;
import dev.tern.dns.ValidatedAnswer;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.Type;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Finds which MX hosts of a domain DANE applies to, and how (RFC 7672 §2.2), the way Postfix's
 * {@code dane} level does:
 * <ol>
 *   <li>The domain's MX records must be validated; otherwise an attacker could have chosen the
 *       hosts, and DANE applies to none of them.</li>
 *   <li>Each host's address records must be validated too (its zone is signed). A validated
 *       CNAME chain makes its end the TLSA base domain, with the host name itself as second
 *       choice (RFC 7672 §2.2.2).</li>
 *   <li>{@code _<port>._tcp.<base>} TLSA records, validated, are the host's DANE policy. A
 *       validated denial, or records that are not validated, mean no DANE for that host; any other
 *       failure means the host must not be tried.</li>
 * </ol>
 * Validation is the recursive resolver's: its AD bit. A resolver that does not validate never
 * sets it, and delivery is then as without DANE.
 */
public final class TlsaLookup {

    private final DnsResolver dns;

    public TlsaLookup(DnsResolver dns) {
        this.dns = dns;
    }

    /**
     * The DANE policy of each of {@code hosts} (the domain's MX hosts, or the domain itself when
     * it has none) that has one; empty when DANE applies to none of them.
     *
     * @param port the SMTP port delivery connects to (25), which names the TLSA records
     */
    public CompletableFuture<Map<String, DaneHost>> forHosts(String domain, List<String> hosts, int port) {
        return dns.validated(domain, Type.MX).thenCompose(mx -> {
            Map<String, DaneHost> none = Map.of();
            if (mx.answer() instanceof DnsAnswer.TemporaryFailure<?> t) {
                // The MX lookup just worked: this is a passing failure, and the hosts may have records.
                Map<String, DaneHost> unknown = new LinkedHashMap<>();
                hosts.forEach(h -> unknown.put(h, new DaneHost.Unavailable(t.reason())));
                return CompletableFuture.completedFuture(unknown);
            }
            if (!mx.secure()) {
                return CompletableFuture.completedFuture(none);
            }
            Map<String, CompletableFuture<DaneHost>> each = new LinkedHashMap<>();
            for (String host : new LinkedHashSet<>(hosts)) {
                each.put(host, forHost(host, port));
            }
            return CompletableFuture.allOf(each.values().toArray(new CompletableFuture<?>[0])).thenApply(v -> {
                Map<String, DaneHost> found = new LinkedHashMap<>();
                each.forEach((host, f) -> {
                    DaneHost h = f.join();
                    if (h != null) {
                        found.put(host, h);
                    }
                });
                return found;
            });
        });
    }

    /** One host's policy, or null when DANE does not apply to it. */
    private CompletableFuture<DaneHost> forHost(String host, int port) {
        return dns.validated(host, Type.A).thenCompose(address -> {
            if (address.answer() instanceof DnsAnswer.TemporaryFailure<?> t) {
                return CompletableFuture.completedFuture(new DaneHost.Unavailable(t.reason()));
            }
            if (!address.secure()) {
                return CompletableFuture.completedFuture(null);
            }
            String base = address.canonical().toString(true).toLowerCase(java.util.Locale.ROOT);
            String name = host.toLowerCase(java.util.Locale.ROOT);
            if (name.endsWith(".")) {
                name = name.substring(0, name.length() - 1);
            }
            String original = name;
            if (base.equals(original)) {
                return tlsa(original, original, port);
            }
            // A validated alias: the records at its end come first, the host's own name second.
            return tlsa(base, original, port).thenCompose(h -> h != null
                    ? CompletableFuture.completedFuture(h) : tlsa(original, original, port));
        });
    }

    private CompletableFuture<DaneHost> tlsa(String base, String host, int port) {
        String owner = "_" + port + "._tcp." + base;
        return dns.validated(owner, Type.TLSA).thenApply(answer -> policyOf(answer, base, host));
    }

    private static DaneHost policyOf(ValidatedAnswer answer, String base, String host) {
        if (answer.answer() instanceof DnsAnswer.TemporaryFailure<?> t) {
            return new DaneHost.Unavailable(t.reason());
        }
        if (!(answer.answer() instanceof DnsAnswer.Found<?>) || !answer.secure()) {
            return null;
        }
        List<Tlsa> all = answer.answer().values().stream().map(r -> Tlsa.of((TLSARecord) r)).toList();
        List<Tlsa> usable = all.stream().filter(Tlsa::usable).toList();
        if (usable.isEmpty()) {
            return new DaneHost.EncryptOnly(base, all);
        }
        Set<String> names = new LinkedHashSet<>(List.of(base, host));
        return new DaneHost.Authenticated(base, usable, names);
    }
}
