package dev.tern.delivery.mtasts;

import dev.tern.dns.DnsAnswer;
import dev.tern.dns.DnsResolver;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The MTA-STS policies (RFC 8461) of the domains mail goes to: discovered through the domain's
 * {@code _mta-sts} TXT record, fetched over HTTPS, and cached for the policy's {@code max_age}.
 *
 * <p>RFC 8461 §5.1: a cached policy that has not expired is used while the TXT record keeps its
 * id; a new id makes the policy be fetched again, and if that fails the cached one stays in
 * force. A missing record, a DNS failure or a failed fetch never removes an unexpired policy: that
 * is what protects mail from an attacker who can change DNS answers or block HTTPS for a while.
 * Without a cached policy, any of them means "no policy", and mail goes as it would without
 * MTA-STS.
 *
 * <p>Policies are kept in memory and in the store ({@code mta_sts_policies}): after a restart, and
 * on every node sharing the store, a policy fetched before is in force until it expires. The store
 * is read once per domain (its answer, policy or none, is then kept in memory) and written after
 * each fetch, on the blocking executor.
 */
public final class MtaStsPolicies {

    private static final Logger log = LoggerFactory.getLogger("dev.tern.delivery");

    /** A policy as fetched: its id in DNS at the time, and until when it may be used. */
    private record Cached(String id, StsPolicy policy, Instant expires) {
    }

    /** What memory holds for a domain whose stored policy was looked for and not found. */
    private static final Cached NOTHING_STORED = new Cached(null, null, Instant.MIN);

    /** Past this many cached policies, the expired ones are dropped before another is added. */
    private static final int PRUNE_AT = 10_000;

    private final DnsResolver dns;
    private final PolicyFetcher fetcher;
    private final MetadataStore store;
    private final Executor blocking;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    /**
     * Domains whose announced policy could not be had at the last lookup, with no earlier policy in
     * force, and why: what the TLS reports say of their sessions.
     */
    private final Map<String, PolicyFailure> failures = new ConcurrentHashMap<>();
    /** One lookup at a time per domain: deliveries to it in the meantime share it. */
    private final Map<String, CompletableFuture<StsPolicy>> inFlight = new ConcurrentHashMap<>();

    /**
     * @param tls  a client context that verifies certificates and host names
     * @param port the HTTPS port of the policy hosts: 443 (tests use another)
     */
    public MtaStsPolicies(DnsResolver dns, EventLoopGroup group, boolean epoll, SslContext tls, int port,
                          MetadataStore store, Executor blocking, Clock clock) {
        this.dns = dns;
        this.fetcher = new PolicyFetcher(group, epoll, tls, port, Duration.ofSeconds(30));
        this.store = store;
        this.blocking = blocking;
        this.clock = clock;
    }

    /**
     * The policy in force for {@code domain} (an A-label, lower case), or null when there is none
     * (or its mode is {@code none}). Never fails.
     */
    public CompletableFuture<StsPolicy> policyFor(String domain) {
        CompletableFuture<StsPolicy> running = inFlight.get(domain);
        if (running != null) {
            return running;
        }
        CompletableFuture<StsPolicy> mine = new CompletableFuture<>();
        running = inFlight.putIfAbsent(domain, mine);
        if (running != null) {
            return running;
        }
        lookUp(domain).handle((policy, error) -> {
            if (error != null) {
                log.warn("MTA-STS: policy of {} not looked up: {}", domain, error.toString());
            }
            inFlight.remove(domain, mine);
            StsPolicy p = error == null ? policy : unexpired(domain);
            mine.complete(p == null || p.mode() == StsPolicy.Mode.NONE ? null : p);
            return null;
        });
        return mine;
    }

    private CompletableFuture<StsPolicy> lookUp(String domain) {
        CompletableFuture<Cached> known = remembered(domain);
        return dns.txt("_mta-sts." + domain).thenCombine(known, (answer, cached) -> {
            boolean fresh = cached.policy() != null && clock.instant().isBefore(cached.expires());
            if (answer instanceof DnsAnswer.NoData || answer instanceof DnsAnswer.NoSuchDomain) {
                failures.remove(domain);   // no policy announced any more
            }
            if (!(answer instanceof DnsAnswer.Found<String> found)) {
                // No record, or no answer: an unexpired policy stays in force (RFC 8461 §5.1).
                return CompletableFuture.completedFuture(fresh ? cached.policy() : null);
            }
            String id = StsPolicy.policyId(found.values());
            if (id == null) {
                return CompletableFuture.completedFuture(fresh ? cached.policy() : null);
            }
            if (fresh && id.equals(cached.id())) {
                return CompletableFuture.completedFuture(cached.policy());
            }
            return fetch(domain, id).handle((policy, e) -> {
                if (e == null) {
                    failures.remove(domain);
                    return policy;
                }
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                log.warn("MTA-STS: the policy of {} (id {}) could not be fetched: {}{}", domain, id,
                        cause.getMessage(), fresh ? "; the cached policy stays in force" : "");
                if (fresh) {
                    return cached.policy();
                }
                if (failures.size() >= PRUNE_AT) {
                    failures.clear();   // a bound: what is dropped is found again at the next lookup
                }
                failures.put(domain, PolicyFailure.of(cause));
                return null;
            });
        }).thenCompose(f -> f);
    }

    /** What memory holds for the domain, read from the store the first time. */
    private CompletableFuture<Cached> remembered(String domain) {
        Cached inMemory = cache.get(domain);
        if (inMemory != null) {
            return CompletableFuture.completedFuture(inMemory);
        }
        return CompletableFuture.supplyAsync(() -> store.read(tx -> tx.mtaSts().policy(domain)), blocking)
                .handle((row, error) -> {
                    Cached c = NOTHING_STORED;
                    if (error != null) {
                        log.warn("MTA-STS: the stored policy of {} could not be read: {}", domain, error.toString());
                    } else if (row.isPresent()) {
                        try {
                            c = new Cached(row.get().policyId(), StsPolicy.parse(row.get().policy()), row.get().expiresAt());
                        } catch (IllegalArgumentException e) {
                            log.warn("MTA-STS: the stored policy of {} is not valid: {}", domain, e.getMessage());
                        }
                    }
                    Cached raced = cache.putIfAbsent(domain, c);
                    return raced != null ? raced : c;
                });
    }

    private CompletableFuture<StsPolicy> fetch(String domain, String id) {
        String host = "mta-sts." + domain;
        return dns.addresses(host).thenCompose(addresses -> {
            if (!(addresses instanceof DnsAnswer.Found<java.net.InetAddress> found)) {
                return CompletableFuture.failedFuture(new IllegalStateException(host + " has no address"));
            }
            return fetcher.fetch(domain, found.values());
        }).thenApply(text -> {
            StsPolicy policy;
            try {
                policy = StsPolicy.parse(text);
            } catch (IllegalArgumentException e) {
                throw new PolicyFailure.Failed(PolicyFailure.INVALID, "invalid policy: " + e.getMessage());
            }
            Instant now = clock.instant();
            if (cache.size() >= PRUNE_AT) {
                cache.values().removeIf(c -> c.policy() != null && !now.isBefore(c.expires()));
            }
            Instant expires = now.plus(policy.maxAge());
            cache.put(domain, new Cached(id, policy, expires));
            CompletableFuture.runAsync(() -> store.writeAndWait(tx -> {
                tx.mtaSts().put(new Rows.MtaStsPolicy(domain, id, text, now, expires));
                return null;
            }), blocking).exceptionally(e -> {
                log.warn("MTA-STS: the policy of {} could not be stored: {}", domain, e.toString());
                return null;
            });
            log.info("MTA-STS: policy of {} (id {}): mode {}, mx {}, max_age {}s", domain, id,
                    policy.mode().name().toLowerCase(java.util.Locale.ROOT), policy.mx(), policy.maxAge().toSeconds());
            return policy;
        });
    }

    /**
     * Why the policy {@code domain} announces was not in force at its last lookup, or null: it was,
     * or none is announced. Read after {@link #policyFor} returned null.
     */
    public PolicyFailure failureOf(String domain) {
        return failures.get(domain);
    }

    private StsPolicy unexpired(String domain) {
        Cached cached = cache.get(domain);
        return cached != null && cached.policy() != null && clock.instant().isBefore(cached.expires())
                ? cached.policy() : null;
    }
}
