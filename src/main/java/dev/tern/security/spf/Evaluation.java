package dev.tern.security.spf;

import dev.tern.dns.DnsAnswer;
import dev.tern.dns.DnsResolver;
import dev.tern.mail.IpNetwork;
import dev.tern.security.spf.SpfRecord.Directive;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.concurrent.CompletableFuture.completedFuture;

/**
 * One run of check_host() (RFC 7208 §4) for one client, with the includes and redirects it leads
 * to. It holds what the limits of §4.6.4 count across all of them. Every DNS question is a future:
 * the evaluation goes on in the callback of the answer, on whichever thread completes it, and no
 * thread ever waits.
 *
 * <p>TEMPERROR and PERMERROR end the run at once as a failed future ({@link SpfError}); the other
 * results are {@link Verdict}s.
 */
final class Evaluation {

    /** Mechanisms and modifiers that query DNS, over the whole check (§4.6.4). */
    static final int MAX_DNS_TERMS = 10;
    /** Lookups that find no record, or no name (§4.6.4). */
    static final int MAX_VOID_LOOKUPS = 2;
    /** MX hosts an mx mechanism may look up, and PTR names a ptr mechanism or %{p} may validate. */
    static final int MAX_NAMES = 10;

    /**
     * A result other than TEMPERROR or PERMERROR, with the record (and its domain) that gave it:
     * the record whose exp= explains a fail.
     */
    record Verdict(SpfResult result, String reason, SpfRecord record, String domain) {
    }

    /** The client's PTR names that lead back to its address (§5.5), and whether the PTR lookup was void. */
    record ReverseNames(boolean voidLookup, List<Name> validated) {
    }

    private final DnsResolver dns;
    private final MacroValues macros;
    private final InetAddress ip;
    private final byte[] ipBytes;
    private final int addressType;
    private final long deadline;
    private final String timeLimit;
    private final AtomicInteger dnsTerms = new AtomicInteger();
    private final AtomicInteger voidLookups = new AtomicInteger();
    private CompletableFuture<ReverseNames> reverseNames; // guarded by this

    /**
     * @param deadline  {@link System#nanoTime()} after which no further DNS query is started
     * @param timeLimit how the time limit is described in the TEMPERROR reason
     */
    Evaluation(DnsResolver dns, MacroValues macros, long deadline, String timeLimit) {
        this.dns = dns;
        this.macros = macros;
        this.ip = macros.ip();
        this.ipBytes = ip.getAddress();
        this.addressType = ip instanceof Inet4Address ? Type.A : Type.AAAA;
        this.deadline = deadline;
        this.timeLimit = timeLimit;
    }

    /** check_host() for a domain: its record is fetched, selected, parsed and evaluated (§4.3–§4.7). */
    CompletableFuture<Verdict> checkHost(String domain) {
        Name name = DomainNames.toName(domain);
        if (name == null || !DomainNames.isMultiLabel(name)) {
            return completedFuture(new Verdict(SpfResult.NONE, "\"" + domain + "\" is not a valid domain name", null, domain));
        }
        return query(name, Type.TXT).thenCompose(answer -> {
            if (answer instanceof DnsAnswer.TemporaryFailure<Record> t) {
                throw new SpfError(SpfResult.TEMPERROR, t.reason());
            }
            List<String> records = answer.values().stream().map(Evaluation::text).filter(RecordParser::isSpfRecord).toList();
            if (records.isEmpty()) {
                String reason = answer instanceof DnsAnswer.NoSuchDomain ? domain + " does not exist" : "no SPF record";
                return completedFuture(new Verdict(SpfResult.NONE, reason, null, domain));
            }
            if (records.size() > 1) {
                throw new SpfError(SpfResult.PERMERROR, domain + " has " + records.size() + " SPF records; it may have one");
            }
            SpfRecord record;
            try {
                record = RecordParser.parse(records.get(0));
            } catch (SpfSyntaxException e) {
                throw new SpfError(SpfResult.PERMERROR, "syntax error in the SPF record of " + domain + ": " + e.getMessage());
            }
            return evaluate(record, domain, 0);
        });
    }

    /**
     * The domain's own explanation of a fail (§6.2): its exp= target's single TXT record, macros
     * expanded. Any problem (DNS, several records, syntax, non-ASCII text) means no explanation.
     * Not counted against the limits.
     */
    CompletableFuture<String> explain(Verdict verdict) {
        if (verdict.result() != SpfResult.FAIL || verdict.record() == null || verdict.record().explanation() == null) {
            return completedFuture(null);
        }
        try {
            return fetchExplanation(verdict).exceptionally(e -> null);
        } catch (RuntimeException e) {
            return completedFuture(null); // the time limit ran out before the lookup could start
        }
    }

    private CompletableFuture<String> fetchExplanation(Verdict verdict) {
        return expandDomain(verdict.record().explanation(), verdict.domain()).thenCompose(target -> {
            Name name = DomainNames.toName(target);
            return name == null ? completedFuture(null) : dns.lookup(name, Type.TXT).thenCompose(answer -> {
                if (!(answer instanceof DnsAnswer.Found) || answer.values().size() != 1) {
                    return completedFuture(null);
                }
                MacroString text;
                try {
                    text = MacroString.parse(text(answer.values().get(0)), MacroString.Kind.EXPLANATION);
                } catch (SpfSyntaxException e) {
                    return completedFuture(null);
                }
                return validatedName(text, verdict.domain()).thenApply(p -> text.expand(macros.with(verdict.domain(), p)));
            });
        });
    }

    private CompletableFuture<Verdict> evaluate(SpfRecord record, String domain, int from) {
        List<Directive> directives = record.directives();
        for (int i = from; i < directives.size(); i++) {
            Directive directive = directives.get(i);
            Mechanism mechanism = directive.mechanism();
            Verdict matched = new Verdict(directive.result(), "matched " + directive.text(), record, domain);
            if (!mechanism.queriesDns()) {
                if (matchesLocally(mechanism)) {
                    return completedFuture(matched);
                }
                continue;
            }
            countDnsTerm();
            int next = i + 1;
            return matches(mechanism, domain).thenCompose(match -> match ? completedFuture(matched) : evaluate(record, domain, next));
        }
        if (record.redirect() == null) {
            return completedFuture(new Verdict(SpfResult.NEUTRAL, "no mechanism matched", record, domain));
        }
        countDnsTerm();
        return expandDomain(record.redirect(), domain).thenCompose(target -> checkHost(target).thenApply(verdict -> {
            if (verdict.result() == SpfResult.NONE) {
                throw new SpfError(SpfResult.PERMERROR, "redirect=" + target + ": " + verdict.reason());
            }
            return verdict;
        }));
    }

    private boolean matchesLocally(Mechanism mechanism) {
        if (mechanism instanceof Mechanism.Ip4 m) {
            return IpNetwork.matches(ipBytes, m.network(), m.prefix());
        }
        if (mechanism instanceof Mechanism.Ip6 m) {
            return IpNetwork.matches(ipBytes, m.network(), m.prefix());
        }
        return mechanism instanceof Mechanism.All;
    }

    private CompletableFuture<Boolean> matches(Mechanism mechanism, String domain) {
        if (mechanism instanceof Mechanism.Include m) {
            return expandDomain(m.domain(), domain).thenCompose(target -> checkHost(target).thenApply(verdict -> {
                if (verdict.result() == SpfResult.NONE) {
                    throw new SpfError(SpfResult.PERMERROR, "include:" + target + ": " + verdict.reason());
                }
                return verdict.result() == SpfResult.PASS; // fail, softfail and neutral do not match (§5.2)
            }));
        }
        if (mechanism instanceof Mechanism.A m) {
            return target(m.domain(), domain).thenCompose(name -> name == null
                    ? completedFuture(false) : addressesMatch(name, m.cidr4(), m.cidr6()));
        }
        if (mechanism instanceof Mechanism.Mx m) {
            return target(m.domain(), domain).thenCompose(name -> name == null
                    ? completedFuture(false) : mxMatches(name, m.cidr4(), m.cidr6()));
        }
        if (mechanism instanceof Mechanism.Ptr m) {
            return target(m.domain(), domain).thenCompose(name -> reverseNames().thenApply(names -> {
                if (names.voidLookup()) {
                    countVoidLookup();
                }
                return name != null && names.validated().stream().anyMatch(v -> v.subdomain(name));
            }));
        }
        Mechanism.Exists m = (Mechanism.Exists) mechanism;
        return target(m.domain(), domain).thenCompose(name -> name == null
                ? completedFuture(false) : query(name, Type.A).thenApply(answer -> found(answer, true)));
    }

    /** a: the target's addresses of the client's family, within the CIDR length (§5.3). */
    private CompletableFuture<Boolean> addressesMatch(Name name, int cidr4, int cidr6) {
        return query(name, addressType).thenApply(answer -> found(answer, true) && answer.values().stream()
                .anyMatch(r -> IpNetwork.matches(address(r), ipBytes, prefix(cidr4, cidr6))));
    }

    /** mx: the addresses of up to 10 MX hosts; more hosts are a PERMERROR (§5.4, §4.6.4). */
    private CompletableFuture<Boolean> mxMatches(Name name, int cidr4, int cidr6) {
        return query(name, Type.MX).thenCompose(answer -> {
            if (!found(answer, true)) {
                return completedFuture(false);
            }
            List<Name> hosts = answer.values().stream().map(r -> ((MXRecord) r).getTarget())
                    .filter(host -> !host.equals(Name.root)) // RFC 7505 null MX: no host at all
                    .toList();
            if (hosts.size() > MAX_NAMES) {
                throw new SpfError(SpfResult.PERMERROR, DomainNames.text(name) + " has more than " + MAX_NAMES + " MX hosts");
            }
            List<CompletableFuture<DnsAnswer<Record>>> lookups = hosts.stream().map(host -> query(host, addressType)).toList();
            return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenApply(done -> {
                String failure = null;
                for (CompletableFuture<DnsAnswer<Record>> lookup : lookups) {
                    DnsAnswer<Record> hostAnswer = lookup.join();
                    if (hostAnswer instanceof DnsAnswer.TemporaryFailure<Record> t) {
                        failure = t.reason();
                    } else if (hostAnswer.values().stream()
                            .anyMatch(r -> IpNetwork.matches(address(r), ipBytes, prefix(cidr4, cidr6)))) {
                        return true;
                    }
                }
                if (failure != null) {
                    throw new SpfError(SpfResult.TEMPERROR, failure);
                }
                return false;
            });
        });
    }

    /**
     * Whether the answer has records. A temporary failure ends the check with TEMPERROR (§5); no
     * record or no name is a void lookup when {@code countVoid} (§4.6.4).
     */
    private boolean found(DnsAnswer<Record> answer, boolean countVoid) {
        if (answer instanceof DnsAnswer.TemporaryFailure<Record> t) {
            throw new SpfError(SpfResult.TEMPERROR, t.reason());
        }
        if (answer instanceof DnsAnswer.Found) {
            return true;
        }
        if (countVoid) {
            countVoidLookup();
        }
        return false;
    }

    /** The client's validated names, looked up once per check and shared by ptr and %{p}. */
    private synchronized CompletableFuture<ReverseNames> reverseNames() {
        if (reverseNames == null) {
            reverseNames = query(ReverseMap.fromAddress(ip), Type.PTR).thenCompose(answer -> {
                if (answer instanceof DnsAnswer.TemporaryFailure) {
                    return completedFuture(new ReverseNames(false, List.of())); // a DNS error: no match (§5.5)
                }
                if (!(answer instanceof DnsAnswer.Found)) {
                    return completedFuture(new ReverseNames(true, List.of()));
                }
                // Names past the first 10 are ignored (§4.6.4); an error on one name skips it (§5.5).
                List<Name> names = answer.values().stream().limit(MAX_NAMES).map(r -> ((PTRRecord) r).getTarget()).toList();
                List<CompletableFuture<Boolean>> checks = names.stream().map(name -> query(name, addressType)
                        .thenApply(a -> a.values().stream().anyMatch(r -> Arrays.equals(address(r), ipBytes)))).toList();
                return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).thenApply(done -> {
                    List<Name> validated = new ArrayList<>();
                    for (int i = 0; i < names.size(); i++) {
                        if (checks.get(i).join()) {
                            validated.add(names.get(i));
                        }
                    }
                    return new ReverseNames(false, validated);
                });
            });
        }
        return reverseNames;
    }

    /**
     * %{p} (§7.3): the domain itself if validated, else a validated subdomain of it, else any
     * validated name; "unknown" when there is none.
     */
    private CompletableFuture<String> validatedName(MacroString text, String domain) {
        if (!text.usesValidatedName()) {
            return completedFuture(null);
        }
        Name d = DomainNames.toName(domain);
        return reverseNames().thenApply(names -> {
            List<Name> validated = names.validated();
            Name chosen = validated.stream().filter(v -> v.equals(d)).findFirst()
                    .or(() -> validated.stream().filter(v -> d != null && v.subdomain(d)).findFirst())
                    .or(() -> validated.stream().findFirst())
                    .orElse(null);
            return chosen == null ? "unknown" : DomainNames.text(chosen);
        });
    }

    private CompletableFuture<String> expandDomain(MacroString spec, String domain) {
        return validatedName(spec, domain).thenApply(p -> DomainNames.forQuery(spec.expand(macros.with(domain, p))));
    }

    /**
     * The target name of a mechanism: its domain-spec expanded, or the current domain. Null when
     * the expansion is no valid DNS name (an empty or overlong label): such a mechanism does not
     * match, as for a name that does not exist.
     */
    private CompletableFuture<Name> target(MacroString spec, String domain) {
        return spec == null ? completedFuture(DomainNames.toName(domain)) : expandDomain(spec, domain).thenApply(DomainNames::toName);
    }

    private CompletableFuture<DnsAnswer<Record>> query(Name name, int type) {
        if (System.nanoTime() - deadline > 0) {
            throw new SpfError(SpfResult.TEMPERROR, "SPF evaluation took longer than " + timeLimit);
        }
        return dns.lookup(name, type);
    }

    private void countDnsTerm() {
        if (dnsTerms.incrementAndGet() > MAX_DNS_TERMS) {
            throw new SpfError(SpfResult.PERMERROR, "too many DNS lookups (more than " + MAX_DNS_TERMS + " mechanisms and modifiers that query DNS)");
        }
    }

    private void countVoidLookup() {
        if (voidLookups.incrementAndGet() > MAX_VOID_LOOKUPS) {
            throw new SpfError(SpfResult.PERMERROR, "too many DNS lookups that found nothing (more than " + MAX_VOID_LOOKUPS + ")");
        }
    }

    private int prefix(int cidr4, int cidr6) {
        return addressType == Type.A ? cidr4 : cidr6;
    }

    private static byte[] address(Record r) {
        if (r instanceof ARecord a) {
            return a.getAddress().getAddress();
        }
        if (r instanceof AAAARecord a) {
            return a.getAddress().getAddress();
        }
        return new byte[0];
    }

    /** A TXT record's character-strings joined without separator (§3.3), as UTF-8. */
    static String text(Record r) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        if (r instanceof TXTRecord txt) {
            txt.getStringsAsByteArrays().forEach(joined::writeBytes);
        }
        return joined.toString(StandardCharsets.UTF_8);
    }
}
