package dev.tern.security.spf;

import dev.tern.dns.DnsResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Checks whether a client may send mail for a domain, by the domain's SPF record (RFC 7208). Every
 * method returns at once; the outcome completes a future when DNS has answered. The future never
 * fails: DNS trouble is TEMPERROR, broken records PERMERROR.
 *
 * <p>One instance serves the whole server; it keeps no state between checks (the resolver caches
 * DNS answers).
 */
public final class SpfVerifier {

    /**
     * The longest a check may take before it is TEMPERROR (§4.6.4 asks for a limit of at least 20
     * seconds). Each DNS lookup has its own timeout; this bounds a long chain of slow ones.
     */
    static final Duration TIME_LIMIT = Duration.ofSeconds(20);

    private static final Logger log = LoggerFactory.getLogger(SpfVerifier.class);

    private final DnsResolver dns;
    private final String receivingHost;
    private final Clock clock;

    /**
     * @param dns           the resolver for TXT, A, AAAA, MX and PTR lookups
     * @param receivingHost this host's name, for {@code %{r}} in explanations
     * @param clock         the time for {@code %{t}} in explanations
     */
    public SpfVerifier(DnsResolver dns, String receivingHost, Clock clock) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.receivingHost = receivingHost == null || receivingHost.isEmpty() ? "unknown" : receivingHost;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * RFC 7208 check_host(): the policy of {@code domain} for the client {@code ip}. The outcome's
     * identity is "mailfrom"; use {@link #check} to check the HELO identity.
     *
     * @param ip     the SMTP client's address; IPv4-mapped IPv6 addresses count as IPv4
     * @param domain the domain whose policy applies
     * @param sender the address being checked ({@code %{s}}); "postmaster@domain" when null
     * @param helo   the HELO/EHLO name, for {@code %{h}}; may be null
     */
    public CompletableFuture<SpfOutcome> checkHost(InetAddress ip, String domain, String sender, String helo) {
        return run(ip, domain, sender, helo, "mailfrom");
    }

    /**
     * The MAIL FROM identity, or the HELO identity when {@code mailFrom} is null (the null reverse
     * path), RFC 7208 §2.3/§2.4. A HELO that is not a valid domain (an address literal) gives NONE
     * for the helo identity.
     *
     * @param mailFrom the reverse path without angle brackets, or null (or empty) for {@code <>}
     */
    public CompletableFuture<SpfOutcome> check(InetAddress ip, String helo, String mailFrom) {
        if (mailFrom == null || mailFrom.isEmpty()) {
            String sender = "postmaster@" + helo;
            if (DomainNames.identityDomain(helo) == null) {
                String reason = helo == null ? "no HELO name" : "HELO name \"" + helo + "\" is not a domain name";
                return CompletableFuture.completedFuture(new SpfOutcome(SpfResult.NONE, "helo", helo, sender, null, reason));
            }
            return run(ip, helo, sender, helo, "helo");
        }
        int at = mailFrom.lastIndexOf('@');
        return run(ip, at < 0 ? mailFrom : mailFrom.substring(at + 1), mailFrom, helo, "mailfrom");
    }

    private CompletableFuture<SpfOutcome> run(InetAddress ip, String domain, String sender, String helo, String identity) {
        Objects.requireNonNull(ip, "ip");
        String checked = DomainNames.identityDomain(domain);
        // §4.3: a sender without a local-part is postmaster at the domain.
        String raw = sender == null ? "@" + domain : sender;
        int at = raw.lastIndexOf('@');
        String localPart = at <= 0 ? "postmaster" : raw.substring(0, at);
        String senderDomain = at < 0 ? raw : raw.substring(at + 1);
        String fullSender = localPart + "@" + senderDomain;
        if (checked == null) {
            return CompletableFuture.completedFuture(new SpfOutcome(SpfResult.NONE, identity, domain, fullSender, null,
                    "\"" + domain + "\" is not a valid domain name"));
        }
        MacroValues values = new MacroValues(fullSender, localPart, senderDomain, null, IpAddresses.normalize(ip),
                helo == null ? "unknown" : helo, receivingHost, clock.instant().getEpochSecond(), null);
        String limit = TIME_LIMIT.toSeconds() + " seconds";
        Evaluation evaluation = new Evaluation(dns, values, System.nanoTime() + TIME_LIMIT.toNanos(), limit);
        return guarded(() -> evaluation.checkHost(checked))
                .thenCompose(verdict -> evaluation.explain(verdict).thenApply(explanation ->
                        new SpfOutcome(verdict.result(), identity, checked, fullSender, explanation, verdict.reason())))
                .exceptionally(e -> error(e, identity, checked, fullSender))
                .completeOnTimeout(new SpfOutcome(SpfResult.TEMPERROR, identity, checked, fullSender, null,
                        "SPF evaluation took longer than " + limit), TIME_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static SpfOutcome error(Throwable e, String identity, String domain, String sender) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof SpfError error) {
            return new SpfOutcome(error.result(), identity, domain, sender, null, error.getMessage());
        }
        // A bug, not the domain's fault: say so, and let the mail be tried again rather than refused.
        log.warn("SPF check of {} for {} failed unexpectedly", sender, domain, cause);
        return new SpfOutcome(SpfResult.TEMPERROR, identity, domain, sender, null, "internal error in the SPF check");
    }

    private static <T> CompletableFuture<T> guarded(Supplier<CompletableFuture<T>> start) {
        try {
            return start.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
