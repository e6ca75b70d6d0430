package dev.tern.dns;

import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Finds the hosts that take mail for a domain, in the order to try them (RFC 5321 §5.1): MX
 * records by preference, equal preferences in random order to spread the load; no MX records
 * means the domain itself (implicit MX); a null MX (RFC 7505) means no mail at all.
 *
 * <p>An MX host whose addresses cannot be found is left out; only when no host is left is the
 * result a failure, temporary if any lookup failed temporarily. Whether this server is itself
 * among the hosts (RFC 5321 §5.1: drop it and every less preferred host) is for the caller to
 * decide, since only it knows its own names and addresses.
 */
public final class MxResolver {

    /**
     * MX hosts resolved per domain: a domain with hundreds of MX records must not cost hundreds of
     * lookups, and delivery never gets past the first few hosts anyway.
     */
    static final int MAX_MX_HOSTS = 10;

    private final DnsResolver dns;
    private final Random random;

    public MxResolver(DnsResolver dns) {
        this(dns, new Random());
    }

    /** @param random shuffles hosts of equal preference; tests pass a seeded one */
    public MxResolver(DnsResolver dns, Random random) {
        this.dns = dns;
        this.random = random;
    }

    /**
     * @param asciiDomain the domain of a recipient address, in ASCII (A-labels for IDNs), not an
     *                    address literal
     */
    public CompletableFuture<MxResult> resolve(String asciiDomain) {
        String domain = asciiDomain.toLowerCase(Locale.ROOT);
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        Name name;
        try {
            if (domain.isEmpty()) {
                throw new IllegalArgumentException("empty domain");
            }
            name = DnsResolver.absolute(domain);
        } catch (IllegalArgumentException e) {
            // A name DNS cannot even hold (a label over 63 octets, an empty label) exists nowhere.
            return CompletableFuture.completedFuture(new MxResult.NoSuchDomain(asciiDomain));
        }
        String d = domain;
        return dns.lookup(name, Type.MX).thenCompose(answer -> {
            if (answer instanceof DnsAnswer.Found<Record> found) {
                return fromMxRecords(d, found.values());
            } else if (answer instanceof DnsAnswer.NoData) {
                return implicitMx(d, name);
            } else if (answer instanceof DnsAnswer.NoSuchDomain) {
                return CompletableFuture.completedFuture(new MxResult.NoSuchDomain(d));
            } else {
                return CompletableFuture.completedFuture(
                        new MxResult.TemporaryFailure(((DnsAnswer.TemporaryFailure<Record>) answer).reason()));
            }
        });
    }

    /** RFC 5321 §5.1: without MX records the domain is treated as its own MX, with preference 0. */
    private CompletableFuture<MxResult> implicitMx(String domain, Name name) {
        return dns.addresses(name).thenApply(answer -> {
            if (answer instanceof DnsAnswer.Found<InetAddress> found) {
                return new MxResult.Hosts(List.of(new MxHost(domain, 0, found.values())), true);
            } else if (answer instanceof DnsAnswer.NoData) {
                return new MxResult.NoUsableHosts("the domain " + domain + " has no MX, A or AAAA records");
            } else if (answer instanceof DnsAnswer.NoSuchDomain) {
                return new MxResult.NoSuchDomain(domain);
            } else {
                return new MxResult.TemporaryFailure(((DnsAnswer.TemporaryFailure<InetAddress>) answer).reason());
            }
        });
    }

    private CompletableFuture<MxResult> fromMxRecords(String domain, List<Record> records) {
        List<MXRecord> mx = records.stream().map(MXRecord.class::cast).toList();
        // RFC 7505 §3: a null MX is the only MX record. Stray "." records beside real ones are
        // useless but not a refusal of all mail, so they are just skipped.
        if (mx.stream().allMatch(r -> r.getTarget().equals(Name.root))) {
            return CompletableFuture.completedFuture(new MxResult.NullMx(domain));
        }
        List<Map.Entry<Name, Integer>> ordered = inOrder(mx);
        List<CompletableFuture<DnsAnswer<InetAddress>>> lookups = ordered.stream()
                .map(host -> dns.addresses(host.getKey())).toList();
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<MxHost> hosts = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            boolean temporary = false;
            for (int i = 0; i < ordered.size(); i++) {
                String host = ordered.get(i).getKey().toString(true).toLowerCase(Locale.ROOT);
                DnsAnswer<InetAddress> answer = lookups.get(i).join();
                if (answer instanceof DnsAnswer.Found<InetAddress> found) {
                    hosts.add(new MxHost(host, ordered.get(i).getValue(), found.values()));
                } else if (answer instanceof DnsAnswer.TemporaryFailure<InetAddress> failure) {
                    temporary = true;
                    problems.add(failure.reason());
                } else if (answer instanceof DnsAnswer.NoSuchDomain) {
                    problems.add(host + " does not exist");
                } else {
                    problems.add(host + " has no A or AAAA records");
                }
            }
            if (!hosts.isEmpty()) {
                return new MxResult.Hosts(hosts, false);
            }
            String reason = "no MX host of " + domain + " has an address: " + String.join("; ", problems);
            return temporary ? new MxResult.TemporaryFailure(reason) : new MxResult.NoUsableHosts(reason);
        });
    }

    /**
     * By preference, shuffled within each preference; a host listed twice keeps its best
     * preference; at most {@link #MAX_MX_HOSTS}.
     */
    private List<Map.Entry<Name, Integer>> inOrder(List<MXRecord> records) {
        Map<Name, Integer> best = new LinkedHashMap<>();
        for (MXRecord r : records) {
            if (!r.getTarget().equals(Name.root)) {
                best.merge(r.getTarget(), r.getPriority(), Math::min);
            }
        }
        TreeMap<Integer, List<Name>> byPreference = new TreeMap<>();
        best.forEach((host, preference) -> byPreference.computeIfAbsent(preference, p -> new ArrayList<>()).add(host));
        List<Map.Entry<Name, Integer>> ordered = new ArrayList<>();
        byPreference.forEach((preference, hosts) -> {
            Collections.shuffle(hosts, random);
            hosts.forEach(h -> ordered.add(Map.entry(h, preference)));
        });
        return ordered.subList(0, Math.min(ordered.size(), MAX_MX_HOSTS));
    }
}
