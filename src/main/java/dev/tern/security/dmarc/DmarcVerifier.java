package dev.tern.security.dmarc;

import dev.tern.dns.DnsAnswer;
import dev.tern.security.dkim.HeaderField;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Evaluates DMARC (RFC 7489) for a received message: finds the author domain's policy, checks
 * whether an SPF or DKIM pass is aligned with the author domain, and says what the policy asks for.
 *
 * <p>Policy discovery (§6.6.3): {@code _dmarc.<author domain>}, and when that has no DMARC record,
 * {@code _dmarc.<organizational domain>}, whose {@code sp=} (or else {@code p=}) then applies. TXT
 * records not starting with {@code v=DMARC1} are ignored; several DMARC records at one name mean no
 * policy. A DNS failure at either step is a TEMPERROR.
 *
 * <p>Never blocks: {@link #evaluate} returns at once, and completes where the DNS answers complete.
 * Thread-safe; {@code random} is only used under a lock, so any generator will do.
 */
public final class DmarcVerifier {

    private final Function<String, CompletableFuture<DnsAnswer<String>>> txtLookup;
    private final RandomGenerator random;

    /**
     * @param txtLookup the TXT records of a name, each record's strings joined (as
     *                  {@link dev.tern.dns.DnsResolver#txt} gives them)
     * @param random    draws which failing messages pct= applies the policy to
     */
    public DmarcVerifier(Function<String, CompletableFuture<DnsAnswer<String>>> txtLookup, RandomGenerator random) {
        this.txtLookup = Objects.requireNonNull(txtLookup);
        this.random = Objects.requireNonNull(random);
    }

    /** The author domain of a message's header fields (RFC 7489 §6.6.1), or why it has none. */
    public static AuthorDomain authorDomain(List<HeaderField> headers) {
        return AuthorDomains.of(headers);
    }

    /**
     * The DMARC outcome of a message. Never completes exceptionally.
     *
     * @param fromDomain  the author domain ({@link #authorDomain}), A-labels or U-labels
     * @param spfDomain   the domain SPF checked (MAIL FROM, or HELO for an empty MAIL FROM) when the
     *                    SPF result was pass, else null
     * @param dkimDomains the d= of every signature whose DKIM result was pass
     */
    public CompletableFuture<DmarcOutcome> evaluate(String fromDomain, String spfDomain, List<String> dkimDomains) {
        String from = AuthorDomains.normalize(fromDomain);
        if (from == null) {
            return CompletableFuture.completedFuture(new DmarcOutcome(DmarcResult.PERMERROR, fromDomain, null,
                    DmarcPolicy.NONE, DmarcPolicy.NONE, false, false, "From domain is not a domain name"));
        }
        Alignment alignment = new Alignment(from, spfDomain, dkimDomains);
        String organizational = OrganizationalDomain.of(from);
        return lookup(from).thenCompose(first -> {
            if (first instanceof Discovery.NotFound && !organizational.equals(from)) {
                return lookup(organizational);
            }
            return CompletableFuture.completedFuture(first);
        }).thenApply(discovery -> decide(from, discovery, alignment));
    }

    private DmarcOutcome decide(String from, Discovery discovery, Alignment alignment) {
        if (discovery instanceof Discovery.Policy p) {
            DmarcRecord record = p.record();
            boolean spf = alignment.spf(record.strictSpf());
            boolean dkim = alignment.dkim(record.strictDkim());
            DmarcPolicy requested = p.domain().equals(from) || record.subdomainPolicy() == null
                    ? record.policy() : record.subdomainPolicy();
            if (spf || dkim) {
                String which = spf && dkim ? "SPF and DKIM" : spf ? "SPF" : "DKIM";
                return new DmarcOutcome(DmarcResult.PASS, from, p.domain(), requested, DmarcPolicy.NONE, spf, dkim,
                        which + " aligned with " + from, PublishedPolicy.of(p.domain(), record));
            }
            DmarcPolicy applied = requested;
            String reason = "no SPF or DKIM pass aligned with " + from;
            if (requested != DmarcPolicy.NONE && !sampledIn(record.percent())) {
                applied = requested.weaker();
                reason += "; outside pct=" + record.percent() + ", " + requested.keyword() + " lowered to " + applied.keyword();
            }
            return new DmarcOutcome(DmarcResult.FAIL, from, p.domain(), requested, applied, false, false, reason,
                    PublishedPolicy.of(p.domain(), record));
        }
        // No policy: alignment still says how the message would have fared (relaxed, the default).
        boolean spf = alignment.spf(false);
        boolean dkim = alignment.dkim(false);
        DmarcResult result = discovery instanceof Discovery.Failed f ? f.result() : DmarcResult.NONE;
        String organizational = OrganizationalDomain.of(from);
        String reason = discovery instanceof Discovery.Failed f ? f.reason() : "no DMARC record at _dmarc." + from
                + (organizational.equals(from) ? "" : " or _dmarc." + organizational);
        return new DmarcOutcome(result, from, null, DmarcPolicy.NONE, DmarcPolicy.NONE, spf, dkim, reason);
    }

    /** RFC 7489 §6.6.4: the policy applies to pct percent of failing messages, drawn at random. */
    private boolean sampledIn(int percent) {
        if (percent >= 100) {
            return true;
        }
        if (percent <= 0) {
            return false;
        }
        synchronized (random) {
            return random.nextInt(100) < percent;
        }
    }

    /** Looks for the DMARC record at {@code _dmarc.<domain>}. */
    private CompletableFuture<Discovery> lookup(String domain) {
        String name = "_dmarc." + domain;
        CompletableFuture<DnsAnswer<String>> answer;
        try {
            answer = txtLookup.apply(name);
        } catch (IllegalArgumentException notAName) {
            return CompletableFuture.completedFuture(new Discovery.Failed(DmarcResult.PERMERROR, name + " is not a domain name"));
        }
        return answer.handle((a, error) -> error == null && a != null ? discovery(domain, name, a)
                : new Discovery.Failed(DmarcResult.TEMPERROR, "DNS lookup of " + name + "/TXT failed: " + error));
    }

    private static Discovery discovery(String domain, String name, DnsAnswer<String> answer) {
        if (answer instanceof DnsAnswer.TemporaryFailure<String> t) {
            return new Discovery.Failed(DmarcResult.TEMPERROR, t.reason());
        }
        List<String> records = answer.values().stream().filter(DmarcRecord::isDmarcRecord).toList();
        if (records.isEmpty()) {
            return new Discovery.NotFound();
        }
        if (records.size() > 1) {
            return new Discovery.Failed(DmarcResult.NONE, "several DMARC records at " + name + ": none applies");
        }
        try {
            return new Discovery.Policy(domain, DmarcRecord.parse(records.get(0)));
        } catch (IllegalArgumentException e) {
            return new Discovery.Failed(DmarcResult.PERMERROR, "DMARC record at " + name + " is unusable: " + e.getMessage());
        }
    }

    /** What policy discovery found. */
    private sealed interface Discovery {
        /** A record, at the author domain or its organizational domain. */
        record Policy(String domain, DmarcRecord record) implements Discovery {
        }

        /** No DMARC record at the name: look further up, or there is no policy. */
        record NotFound() implements Discovery {
        }

        /** Discovery ended without a policy to apply, with this result. */
        record Failed(DmarcResult result, String reason) implements Discovery {
        }
    }
}
