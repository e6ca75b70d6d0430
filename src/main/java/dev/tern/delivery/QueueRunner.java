package dev.tern.delivery;

import dev.tern.delivery.remote.RemoteDeliveryAgent;
import dev.tern.mail.MailAddress;
import dev.tern.queue.QueueListener;
import dev.tern.routing.Route;
import dev.tern.routing.Router;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Decides what to deliver next: new mail at once (it is told by the queue after each commit),
 * deferred mail when its retry time comes, and whatever was waiting when the server last stopped.
 *
 * <p>Each recipient is in flight at most once in this process: the set of ids in flight guards
 * against the periodic scan picking up what a delivery is working on. A bounded number of
 * deliveries run at once; the rest wait in the store, where the periodic scan finds them.
 *
 * <p>When other nodes share the store, each recipient is also leased in the store before its
 * delivery starts: the lease is taken under the row's lock, so exactly one node delivers it. The
 * node renews its leases while deliveries run; a node that dies leaves leases that expire, and
 * the recipients are then due again for any node's scan.
 */
public final class QueueRunner implements QueueListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QueueRunner.class);
    private static final int MAX_IN_FLIGHT = 256;
    private static final int SCAN_BATCH = 1000;
    /** Remote recipients handed to outbound delivery and not finished, at most. */
    private static final int MAX_REMOTE_PENDING = 10_000;
    /** How long a recipient stays in flight in the store unless renewed ({@code [store] lease}). */
    static final Duration DEFAULT_LEASE = Duration.ofMinutes(5);
    /** How long a recipient whose destination has enough waiting is left aside. */
    static final Duration BUSY_POSTPONE = Duration.ofSeconds(30);
    /** Why mail for other domains stays in the queue (RFC 3463 4.4.0: routing, temporary). */
    static final String OUTBOUND_NOT_CONFIGURED = "4.4.0 outbound delivery not configured";

    private final MetadataStore store;
    private final Router router;
    private final LocalDeliveryAgent local;
    private final RemoteDeliveryAgent remote;
    private final Duration scanInterval;
    private final Duration lease;
    /** Other nodes may deliver from the same store: lease before every delivery. */
    private final boolean shared;
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final Semaphore slots = new Semaphore(MAX_IN_FLIGHT);
    private final java.util.concurrent.atomic.AtomicInteger remotePending = new java.util.concurrent.atomic.AtomicInteger();
    private final ScheduledExecutorService scanner = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tern-queue-scan");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;
    /** Wake-ups from operator actions on other nodes (or the command line) sharing the store. */
    private AutoCloseable wakeSignals;

    /** A runner without outbound delivery: mail for other domains stays deferred in the queue. */
    public QueueRunner(MetadataStore store, Router router, LocalDeliveryAgent local, Duration scanInterval) {
        this(store, router, local, null, scanInterval);
    }

    public QueueRunner(MetadataStore store, Router router, LocalDeliveryAgent local, RemoteDeliveryAgent remote,
                       Duration scanInterval) {
        this(store, router, local, remote, scanInterval, DEFAULT_LEASE);
    }

    /** @param lease how long a recipient being delivered stays leased in the store between renewals */
    public QueueRunner(MetadataStore store, Router router, LocalDeliveryAgent local, RemoteDeliveryAgent remote,
                       Duration scanInterval, Duration lease) {
        this.lease = lease;
        this.shared = store.shared();
        this.store = store;
        this.router = router;
        this.local = local;
        this.remote = remote;
        this.scanInterval = scanInterval;
    }

    /** Starts with a scan (what was waiting at the last stop), then scans periodically. */
    public void start() {
        wakeSignals = store.subscribe(dev.tern.queue.MailQueue.WAKE_CHANNEL, payload -> wakeUp());
        scanner.scheduleWithFixedDelay(this::scanSafely, 0, scanInterval.toMillis(), TimeUnit.MILLISECONDS);
        long renewEvery = Math.max(100, lease.toMillis() / 3);
        scanner.scheduleWithFixedDelay(this::renewLeases, renewEvery, renewEvery, TimeUnit.MILLISECONDS);
    }

    /** Keeps the leases of running deliveries from expiring, so that no other node takes them over. */
    private void renewLeases() {
        if (closed || inFlight.isEmpty()) {
            return;
        }
        List<Long> ids = new ArrayList<>(inFlight);
        Instant until = Instant.now().plus(lease);
        store.write(tx -> tx.queue().renewLeases(ids, until)).whenComplete((n, e) -> {
            if (e != null) {
                log.warn("could not renew the leases of {} recipients in flight: {}", ids.size(), e.toString());
            }
        });
    }

    /** Asks for a scan now, for example after `tern queue flush`. */
    public void wakeUp() {
        if (closed) {
            return;
        }
        scanner.execute(this::scanSafely);
    }

    @Override
    public void queued(Rows.QueuedMessage message, List<Rows.QueueRecipient> recipients) {
        if (closed || message.held()) {
            return;
        }
        if (!slots.tryAcquire()) {
            return; // busy: the next scan takes it from the store
        }
        List<Rows.QueueRecipient> mine = claim(recipients);
        if (mine.isEmpty()) {
            slots.release();
            return;
        }
        leaseIfShared(mine).thenAccept(leased -> dispatchOrRelease(message, leased));
    }

    private void dispatchOrRelease(Rows.QueuedMessage message, List<Rows.QueueRecipient> leased) {
        if (leased.isEmpty()) {
            slots.release();
        } else {
            dispatch(message, leased);
        }
    }

    /**
     * On a shared store, leases the claimed recipients and keeps those this node got; the others
     * are being delivered by another node. On a store of its own, this process is the only one
     * that delivers, and claiming in memory is enough.
     */
    private CompletableFuture<List<Rows.QueueRecipient>> leaseIfShared(List<Rows.QueueRecipient> claimed) {
        if (!shared) {
            return CompletableFuture.completedFuture(claimed);
        }
        Instant now = Instant.now();
        return store.write(tx -> {
            java.util.Set<Long> ids = tx.queue().leaseAll(claimed.stream().map(Rows.QueueRecipient::id).toList(),
                    now.plus(lease), now);
            return claimed.stream().filter(r -> ids.contains(r.id())).toList();
        }).handle((leased, failure) -> {
            List<Rows.QueueRecipient> mine = failure == null ? leased : List.of();
            if (failure != null) {
                log.warn("could not lease {} recipients: {}", claimed.size(), failure.toString());
            }
            for (Rows.QueueRecipient r : claimed) {
                if (!mine.contains(r)) {
                    inFlight.remove(r.id());
                }
            }
            return mine;
        });
    }

    private void scanSafely() {
        try {
            scan();
        } catch (RuntimeException e) {
            log.error("queue scan failed: {}", e.toString());
        }
    }

    private void scan() {
        if (closed) {
            return;
        }
        List<Rows.QueueRecipient> due = store.read(tx -> tx.queue().due(Instant.now(), SCAN_BATCH));
        Map<String, List<Rows.QueueRecipient>> byMessage = new LinkedHashMap<>();
        for (Rows.QueueRecipient r : due) {
            if (!inFlight.contains(r.id())) {
                byMessage.computeIfAbsent(r.messageId(), k -> new ArrayList<>()).add(r);
            }
        }
        for (Map.Entry<String, List<Rows.QueueRecipient>> e : byMessage.entrySet()) {
            Optional<Rows.QueuedMessage> message = store.read(tx -> tx.queue().message(e.getKey()));
            if (message.isEmpty()) {
                continue;
            }
            try {
                slots.acquire();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
            List<Rows.QueueRecipient> mine = claim(e.getValue());
            if (mine.isEmpty()) {
                slots.release();
                continue;
            }
            Rows.QueuedMessage m = message.get();
            leaseIfShared(mine).thenAccept(leased -> dispatchOrRelease(m, leased));
        }
    }

    private List<Rows.QueueRecipient> claim(List<Rows.QueueRecipient> recipients) {
        List<Rows.QueueRecipient> mine = new ArrayList<>();
        for (Rows.QueueRecipient r : recipients) {
            if (inFlight.add(r.id())) {
                mine.add(r);
            }
        }
        return mine;
    }

    private void dispatch(Rows.QueuedMessage message, List<Rows.QueueRecipient> recipients) {
        List<Rows.QueueRecipient> localRecipients = new ArrayList<>();
        List<Rows.QueueRecipient> remoteRecipients = new ArrayList<>();
        for (Rows.QueueRecipient r : recipients) {
            Route route;
            try {
                route = router.route(MailAddress.parse(r.address()));
            } catch (IllegalArgumentException e) {
                route = new Route.Local(); // the agent reports the bad syntax
            }
            (route instanceof Route.Local ? localRecipients : remoteRecipients).add(r);
        }
        CompletableFuture<Void> local = localRecipients.isEmpty() ? CompletableFuture.completedFuture(null)
                : this.local.deliver(message, localRecipients);
        local.whenComplete((v, failure) -> {
            localRecipients.forEach(r -> inFlight.remove(r.id()));
            slots.release();
            if (failure != null) {
                log.error("{}: local delivery failed: {}", message.id(), failure.toString());
            }
        });
        if (!remoteRecipients.isEmpty()) {
            dispatchRemote(message, remoteRecipients);
        }
    }

    /**
     * Hands remote recipients to outbound delivery, marked in flight in the store for the time the
     * attempt may take. Without outbound delivery, they wait in the queue, deferred: mail is never
     * bounced for lack of a route. A destination with enough waiting already gets no more now:
     * they stay due in the store, and a slow destination cannot fill memory or starve the others.
     */
    private void dispatchRemote(Rows.QueuedMessage message, List<Rows.QueueRecipient> recipients) {
        if (remote == null) {
            this.local.defer(message, recipients, OUTBOUND_NOT_CONFIGURED)
                    .whenComplete((v, e) -> recipients.forEach(r -> inFlight.remove(r.id())));
            return;
        }
        List<Rows.QueueRecipient> taken = new ArrayList<>();
        List<Rows.QueueRecipient> busy = new ArrayList<>();
        for (Rows.QueueRecipient r : recipients) {
            boolean accepted;
            try {
                accepted = remote.accepts(remote.nextHop(r.address())) && remotePending.get() < MAX_REMOTE_PENDING;
            } catch (IllegalArgumentException e) {
                accepted = true;   // an unparseable address: delivery reports it
            }
            if (accepted) {
                taken.add(r);
            } else {
                busy.add(r);
            }
        }
        if (!busy.isEmpty()) {
            // Out of the way of the next scans, so that other destinations' mail is found.
            Instant later = Instant.now().plus(BUSY_POSTPONE);
            store.write(tx -> {
                // On a shared store they are leased already: the lease is given back.
                busy.forEach(r -> {
                    if (shared) {
                        tx.queue().unlease(r.id(), later);
                    } else {
                        tx.queue().postpone(r.id(), later);
                    }
                });
                return null;
            }).whenComplete((v, e) -> busy.forEach(r -> inFlight.remove(r.id())));
        }
        if (taken.isEmpty()) {
            return;
        }
        remotePending.addAndGet(taken.size());
        Instant now = Instant.now();
        CompletableFuture<List<Rows.QueueRecipient>> leasing = shared ? CompletableFuture.completedFuture(taken)
                : store.write(tx -> {
            List<Rows.QueueRecipient> leased = new ArrayList<>();
            for (Rows.QueueRecipient r : taken) {
                if (tx.queue().lease(r.id(), now.plus(lease), now)) {
                    leased.add(r);
                }
            }
            return leased;
        });
        leasing.thenCompose(leased -> leased.isEmpty() ? CompletableFuture.<Void>completedFuture(null)
                : remote.deliver(message, leased)).whenComplete((v, failure) -> {
            remotePending.addAndGet(-taken.size());
            taken.forEach(r -> inFlight.remove(r.id()));
            if (failure != null && closed) {
                // Stopping: the recipients stay in flight in the store and are due again at the next start.
                log.info("{}: outbound delivery interrupted by shutdown", message.id());
            } else if (failure != null) {
                log.error("{}: outbound delivery failed: {}", message.id(), failure.toString());
            }
        });
    }

    /** Exposed for tests and `queue flush`: how many recipients are being delivered right now. */
    public int inFlight() {
        return inFlight.size();
    }

    @Override
    public void close() {
        closed = true;
        if (wakeSignals != null) {
            try {
                wakeSignals.close();
            } catch (Exception e) {
                log.debug("closing the wake-up subscription: {}", e.toString());
            }
        }
        scanner.shutdownNow();
        try {
            // Let running deliveries record their outcome; what does not finish is redone after restart.
            if (slots.tryAcquire(MAX_IN_FLIGHT, 10, TimeUnit.SECONDS)) {
                slots.release(MAX_IN_FLIGHT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
