package dev.tern.security.greylist;

import dev.tern.store.GreylistDao;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.StoreTx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Greylisting (RFC 6647): mail with a new triplet (client network, sender, recipient) is deferred
 * with a temporary failure; a real mail server retries, and a retry after the delay, within the
 * retry window, passes. From then on mail with that triplet passes at once, until it has not been
 * seen for the passed lifetime. A client network with enough passed triplets is trusted as a whole
 * (the automatic allow list, RFC 6647 §4.5). Whitelisted clients, senders and recipients pass
 * without a trace in the store.
 *
 * <p>State is in the metadata store, so it survives restarts and is shared by the nodes of a
 * cluster; reads run on the storage executor, never on the caller's thread. Passed triplets and
 * trusted networks are also kept in a bounded cache: the common case, known mail, costs no store
 * access. Their last use is written back at most every {@link #touchInterval()}, so that
 * a busy triplet does not cost a write per message (they may expire that much early).
 *
 * <p>Decisions that change state (a first sighting, a pass, a new round) are made again inside the
 * write transaction, on what it reads, so two sessions racing on one triplet agree. When the store
 * fails, mail passes (logged): greylisting delays mail, and a broken store should not add to that.
 */
public final class Greylist {

    public static final int DEFAULT_AUTO_ALLOWLIST_AFTER = 5;
    static final int CACHE_SIZE = 10_000;
    /** Expired rows deleted per transaction by {@link #purge}. */
    static final int ROWS_PER_PURGE_TRANSACTION = 500;
    private static final Duration MAX_TOUCH_INTERVAL = Duration.ofDays(1);

    private static final Logger log = LoggerFactory.getLogger(Greylist.class);

    private final MetadataStore store;
    private final Duration delay;
    private final Duration retryWindow;
    private final Duration passedLifetime;
    private final Duration touchInterval;
    private final int autoAllowlistAfter;
    private final GreylistWhitelist whitelist;
    private final Clock clock;
    private final Executor storageExecutor;
    private final LruCache<Triplet, Rows.GreylistTriplet> passedTriplets = new LruCache<>(CACHE_SIZE);
    private final LruCache<String, Rows.GreylistNetwork> trustedNetworks = new LruCache<>(CACHE_SIZE);

    /** What the store holds for one check. */
    private record Stored(Optional<Rows.GreylistTriplet> triplet, Optional<Rows.GreylistNetwork> network) {
    }

    private enum Change { NONE, START, PASS, TOUCH_TRIPLET, TOUCH_NETWORK }

    private record Decision(GreylistVerdict verdict, Change change) {
    }

    /** A decision made and recorded in a write transaction, with what the store holds after it. */
    private record Applied(GreylistVerdict verdict, Stored after) {
    }

    /** As {@link #Greylist(MetadataStore, Duration, Duration, Duration, List, int, Clock, Executor)}, trusting a network after 5 passed triplets. */
    public Greylist(MetadataStore store, Duration delay, Duration retryWindow, Duration passedLifetime,
                    List<String> whitelist, Clock clock, Executor storageExecutor) {
        this(store, delay, retryWindow, passedLifetime, whitelist, DEFAULT_AUTO_ALLOWLIST_AFTER, clock, storageExecutor);
    }

    /**
     * @param delay              how long a sender must wait before a retry passes (RFC 6647 suggests 1-5 min; 5 min)
     * @param retryWindow        how long after the first attempt a retry still passes; later ones start
     *                           over (4 hours)
     * @param passedLifetime     how long a passed triplet, or a trusted network, lasts without use (35 days:
     *                           a monthly newsletter stays known)
     * @param whitelist          entries as {@link GreylistWhitelist} reads them: {@code 192.0.2.0/24},
     *                           {@code from:example.org}, {@code to:postmaster@example.net}
     * @param autoAllowlistAfter passed triplets after which a client network is trusted; 0 never
     * @param storageExecutor    where store reads run (they block)
     * @throws IllegalArgumentException for a malformed whitelist entry or inconsistent durations
     */
    public Greylist(MetadataStore store, Duration delay, Duration retryWindow, Duration passedLifetime,
                    List<String> whitelist, int autoAllowlistAfter, Clock clock, Executor storageExecutor) {
        if (delay.isNegative() || retryWindow.compareTo(delay) <= 0 || passedLifetime.isNegative()
                || passedLifetime.isZero() || autoAllowlistAfter < 0) {
            throw new IllegalArgumentException("greylisting needs 0 <= delay < retry window, a positive passed lifetime"
                    + " and a count >= 0; got delay " + delay + ", retry window " + retryWindow + ", passed lifetime "
                    + passedLifetime + ", count " + autoAllowlistAfter);
        }
        this.store = store;
        this.delay = delay;
        this.retryWindow = retryWindow;
        this.passedLifetime = passedLifetime;
        Duration tenth = passedLifetime.dividedBy(10);
        this.touchInterval = tenth.compareTo(MAX_TOUCH_INTERVAL) < 0 ? tenth : MAX_TOUCH_INTERVAL;
        this.autoAllowlistAfter = autoAllowlistAfter;
        this.whitelist = new GreylistWhitelist(whitelist);
        this.clock = clock;
        this.storageExecutor = storageExecutor;
    }

    /**
     * The verdict for one recipient.
     *
     * @param sender    the envelope sender; null (or empty) for the null reverse-path
     * @param recipient the envelope recipient
     * @return the verdict; never completes exceptionally
     */
    public CompletableFuture<GreylistVerdict> check(InetAddress client, String sender, String recipient) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(recipient, "recipient");
        if (whitelist.allows(client, sender, recipient)) {
            return done(GreylistVerdict.pass(GreylistVerdict.Outcome.WHITELISTED));
        }
        Triplet t = Triplet.of(client, sender, recipient);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Decision cached = fromCache(t, now);
        if (cached != null) {
            if (cached.change() != Change.NONE) {
                writeBehind(t, cached, now);
            }
            return done(cached.verdict());
        }
        CompletableFuture<Stored> read;
        try {
            read = CompletableFuture.supplyAsync(() -> store.read(tx -> stored(tx.greylist(), t)), storageExecutor);
        } catch (RuntimeException e) {  // the executor refused the work
            return done(storeFailed(t, e));
        }
        return read.thenCompose(stored -> {
            Decision d = decide(t, stored, now);
            if (d.change() == Change.START || d.change() == Change.PASS) {
                return store.write(tx -> decideAndApply(tx, t, now)).thenApply(applied -> {
                    remember(t, applied.after());   // only once committed
                    return applied.verdict();
                });
            }
            remember(t, stored);
            if (d.change() != Change.NONE) {
                writeBehind(t, d, now);
            }
            return done(d.verdict());
        }).exceptionally(e -> storeFailed(t, e));
    }

    /**
     * Deletes expired state: triplets whose retry window has run out without a retry, passed
     * triplets and trusted networks unused for the passed lifetime. For the server to call now
     * and then (hourly, say). At most {@link #ROWS_PER_PURGE_TRANSACTION} rows go in one
     * transaction, so that a backlog (a spam run leaves one pending triplet per attempt) never holds
     * the store's writer, and every SMTP session waiting on it, for long.
     *
     * @return the number of rows deleted
     */
    public CompletableFuture<Integer> purge() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        passedTriplets.removeIf(r -> expired(r.lastSeen(), now));
        trustedNetworks.removeIf(r -> expired(r.lastSeen(), now));
        Instant pendingBefore = now.minus(retryWindow);
        Instant passedBefore = now.minus(passedLifetime);
        return store.writeInPieces(ROWS_PER_PURGE_TRANSACTION,
                tx -> tx.greylist().purge(pendingBefore, passedBefore, ROWS_PER_PURGE_TRANSACTION));
    }

    /** How often the last use of a busy passed triplet or trusted network is written to the store. */
    public Duration touchInterval() {
        return touchInterval;
    }

    private Decision fromCache(Triplet t, Instant now) {
        Rows.GreylistTriplet known = passedTriplets.get(t);
        if (known != null && !expired(known.lastSeen(), now)) {
            return passKnown(known, now);
        }
        Rows.GreylistNetwork trusted = trustedNetworks.get(t.networkKey());
        if (trusted != null && !expired(trusted.lastSeen(), now)) {
            return passTrusted(trusted, now);
        }
        return null;
    }

    private Decision decide(Triplet t, Stored s, Instant now) {
        Rows.GreylistTriplet row = s.triplet().orElse(null);
        if (row != null && row.passed() && !expired(row.lastSeen(), now)) {
            return passKnown(row, now);
        }
        Rows.GreylistNetwork network = s.network().orElse(null);
        if (network != null && trusts(network, now)) {
            return passTrusted(network, now);
        }
        if (row == null || row.passed()) {
            return new Decision(GreylistVerdict.defer(GreylistVerdict.Outcome.FIRST_SEEN, delay), Change.START);
        }
        Duration waited = Duration.between(row.firstSeen(), now);
        if (waited.compareTo(delay) < 0) {
            return new Decision(GreylistVerdict.defer(GreylistVerdict.Outcome.TOO_EARLY, delay.minus(waited)), Change.NONE);
        }
        if (waited.compareTo(retryWindow) <= 0) {
            return new Decision(GreylistVerdict.pass(GreylistVerdict.Outcome.RETRIED), Change.PASS);
        }
        return new Decision(GreylistVerdict.defer(GreylistVerdict.Outcome.FIRST_SEEN, delay), Change.START);
    }

    private Decision passKnown(Rows.GreylistTriplet row, Instant now) {
        return new Decision(GreylistVerdict.pass(GreylistVerdict.Outcome.KNOWN),
                stale(row.lastSeen(), now) ? Change.TOUCH_TRIPLET : Change.NONE);
    }

    private Decision passTrusted(Rows.GreylistNetwork network, Instant now) {
        return new Decision(GreylistVerdict.pass(GreylistVerdict.Outcome.AUTO_ALLOWLISTED),
                stale(network.lastSeen(), now) ? Change.TOUCH_NETWORK : Change.NONE);
    }

    /** Runs in the write transaction: decides on what is stored now, and records the outcome. */
    private Applied decideAndApply(StoreTx tx, Triplet t, Instant now) {
        GreylistDao dao = tx.greylist();
        Stored before = stored(dao, t);
        Decision d = decide(t, before, now);
        apply(dao, t, before, d.change(), now);
        return new Applied(d.verdict(), d.change() == Change.NONE ? before : stored(dao, t));
    }

    private void apply(GreylistDao dao, Triplet t, Stored before, Change change, Instant now) {
        switch (change) {
            case START -> dao.putTriplet(new Rows.GreylistTriplet(t.networkKey(), t.sender(), t.recipient(), now, now, false));
            case PASS -> {
                Instant firstSeen = before.triplet().map(Rows.GreylistTriplet::firstSeen).orElse(now);
                dao.putTriplet(new Rows.GreylistTriplet(t.networkKey(), t.sender(), t.recipient(), firstSeen, now, true));
                dao.addPass(t.networkKey(), now, now.minus(passedLifetime));
            }
            case TOUCH_TRIPLET -> dao.touchTriplet(t.networkKey(), t.sender(), t.recipient(), now);
            case TOUCH_NETWORK -> dao.touchNetwork(t.networkKey(), now);
            case NONE -> {
            }
        }
    }

    /** Records a touch without making the caller wait; the cache already has the new time. */
    private void writeBehind(Triplet t, Decision d, Instant now) {
        if (d.change() == Change.TOUCH_TRIPLET) {
            Rows.GreylistTriplet r = passedTriplets.get(t);
            if (r != null) {
                passedTriplets.put(t, new Rows.GreylistTriplet(r.clientNetwork(), r.sender(), r.recipient(),
                        r.firstSeen(), now, true));
            }
        } else {
            Rows.GreylistNetwork n = trustedNetworks.get(t.networkKey());
            if (n != null) {
                trustedNetworks.put(t.networkKey(), new Rows.GreylistNetwork(n.clientNetwork(), n.passedTriplets(), now));
            }
        }
        store.write(tx -> {
            apply(tx.greylist(), t, null, d.change(), now);
            return null;
        }).whenComplete((x, e) -> {
            if (e != null) {
                log.warn("could not record the last use of greylisting triplet {}: {}", t, e.toString());
            }
        });
    }

    private void remember(Triplet t, Stored s) {
        s.triplet().filter(Rows.GreylistTriplet::passed).ifPresent(r -> passedTriplets.put(t, r));
        s.network().filter(n -> n.passedTriplets() >= autoAllowlistAfter && autoAllowlistAfter > 0)
                .ifPresent(n -> trustedNetworks.put(t.networkKey(), n));
    }

    private static Stored stored(GreylistDao dao, Triplet t) {
        return new Stored(dao.triplet(t.networkKey(), t.sender(), t.recipient()), dao.network(t.networkKey()));
    }

    private boolean trusts(Rows.GreylistNetwork network, Instant now) {
        return autoAllowlistAfter > 0 && network.passedTriplets() >= autoAllowlistAfter
                && !expired(network.lastSeen(), now);
    }

    private boolean expired(Instant lastSeen, Instant now) {
        return Duration.between(lastSeen, now).compareTo(passedLifetime) > 0;
    }

    private boolean stale(Instant lastSeen, Instant now) {
        return Duration.between(lastSeen, now).compareTo(touchInterval) >= 0;
    }

    private static GreylistVerdict storeFailed(Triplet t, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        log.warn("greylisting state unavailable for {}, passing the mail: {}", t, cause.toString());
        return GreylistVerdict.pass(GreylistVerdict.Outcome.STORE_FAILED);
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
