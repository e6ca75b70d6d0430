package dev.tern.mailbox;

import dev.tern.store.MetadataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The exclusive access to a maildrop that a POP3 session holds from login to the end of its
 * UPDATE state (RFC 1939 §8: one session per maildrop). IMAP does not take it; its sessions see
 * POP3's deletions as expunges.
 *
 * <p>Within a process the lock is a set of account ids. On a store that several nodes share it is
 * also a lease in the store, renewed while the session lasts, so that sessions on two nodes are
 * kept apart too; the lease of a node that died expires after {@link #LEASE}.
 */
public final class MaildropLocks {

    private static final Logger log = LoggerFactory.getLogger(MaildropLocks.class);
    static final Duration LEASE = Duration.ofMinutes(2);

    private final MetadataStore store;
    private final boolean shared;
    private final String node = UUID.randomUUID().toString();
    private final AtomicLong sessions = new AtomicLong();
    private final Set<Long> held = ConcurrentHashMap.newKeySet();
    /** Store leases held by this node: account id to owner. */
    private final Map<Long, String> leases = new ConcurrentHashMap<>();
    private volatile ScheduledExecutorService renewer;

    /** Locks that keep sessions apart within this process only. */
    public MaildropLocks() {
        this(null);
    }

    /** @param store when other nodes share it, locks are also leased in it */
    public MaildropLocks(MetadataStore store) {
        this.store = store;
        this.shared = store != null && store.shared();
    }

    /** A held lock; {@link #close()} releases it, once. */
    public final class Lock implements AutoCloseable {
        private final long accountId;
        private final String owner;
        private final AtomicBoolean open = new AtomicBoolean(true);

        private Lock(long accountId, String owner) {
            this.accountId = accountId;
            this.owner = owner;
        }

        @Override
        public void close() {
            if (!open.compareAndSet(true, false)) {
                return;
            }
            if (owner != null) {
                leases.remove(accountId);
                store.write(tx -> {
                    tx.mailboxes().unlockMaildrop(accountId, owner);
                    return null;
                }).whenComplete((v, e) -> {
                    if (e != null) {
                        log.warn("could not release the maildrop lease of account {}: {}", accountId, e.toString());
                    }
                });
            }
            held.remove(accountId);
        }
    }

    /**
     * The account's maildrop lock, or empty when another session holds it. On a shared store this
     * writes to the store and waits: call it off the event loops.
     */
    public Optional<Lock> tryLock(long accountId) {
        if (!held.add(accountId)) {
            return Optional.empty();
        }
        if (!shared) {
            return Optional.of(new Lock(accountId, null));
        }
        String owner = node + "/" + sessions.incrementAndGet();
        boolean leased;
        try {
            Instant now = Instant.now();
            leased = store.writeAndWait(tx -> tx.mailboxes().lockMaildrop(accountId, owner, now.plus(LEASE), now));
        } catch (RuntimeException e) {
            held.remove(accountId);
            throw e;
        }
        if (!leased) {
            held.remove(accountId);
            return Optional.empty();
        }
        leases.put(accountId, owner);
        startRenewing();
        return Optional.of(new Lock(accountId, owner));
    }

    private void startRenewing() {
        if (renewer != null) {
            return;
        }
        synchronized (this) {
            if (renewer == null) {
                ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "tern-maildrop-leases");
                    t.setDaemon(true);
                    return t;
                });
                long every = LEASE.toMillis() / 3;
                s.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
                renewer = s;
            }
        }
    }

    private void renew() {
        if (leases.isEmpty()) {
            return;
        }
        Map<Long, String> now = Map.copyOf(leases);
        Instant until = Instant.now().plus(LEASE);
        store.write(tx -> {
            now.forEach((account, owner) -> tx.mailboxes().renewMaildropLock(account, owner, until));
            return null;
        }).whenComplete((v, e) -> {
            if (e != null) {
                log.warn("could not renew {} maildrop leases: {}", now.size(), e.toString());
            }
        });
    }
}
