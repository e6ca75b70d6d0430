package dev.tern.server;

import dev.tern.mailbox.MailboxEvents;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The bytes that accounts with a quota hold, as last read, for the RCPT check of their quota
 * ("452 4.2.2 Mailbox full") to be answered without a read of the store for every recipient.
 *
 * <p>A usage read is kept until its account's mailboxes change: every change of what an account
 * holds (delivery, APPEND, COPY, MOVE, EXPUNGE, a deleted mailbox) is announced through
 * {@link MailboxEvents} after it commits, before the writer of the change is answered, and makes
 * the account's entry out of date. So the next RCPT after a delivery that filled an account reads
 * the new usage. A read that began before such a change is never taken for current: changes are
 * numbered, a read is tagged with the number before it began, and an entry is used only while its
 * account has no later change.
 *
 * <p>An entry is trusted for at most {@link #MAX_AGE_NANOS}: changes made without an event reaching
 * this process (an event lost between nodes, rows changed by hand) are seen after that. The RCPT
 * check is the early answer; the delivery checks the quota again in its own transaction.
 */
final class AccountUsageCache implements MailboxEvents.HoldingsListener {

    static final long MAX_AGE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    /** Accounts remembered at most; past it, all are forgotten (each is read again once). */
    static final int MAX_ENTRIES = 100_000;

    private record Usage(long bytes, long tag, long readAt) {
    }

    /** Numbers the changes; a read is tagged with the number reached before it began. */
    private final AtomicLong sequence = new AtomicLong();
    /** The number of each account's last change, since everything was last forgotten. */
    private final ConcurrentHashMap<Long, Long> lastChange = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Usage> usage = new ConcurrentHashMap<>();
    /** Reads tagged before this were begun before everything was forgotten, and are not kept. */
    private volatile long forgottenAt;
    private final LongSupplier nanoTime;

    AccountUsageCache() {
        this(System::nanoTime);
    }

    AccountUsageCache(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** The tag of a usage read about to begin: take it before reading. */
    long tag() {
        return sequence.get();
    }

    /** The account's usage if it is known and current; -1 otherwise. */
    long get(long accountId) {
        Usage u = usage.get(accountId);
        if (u == null || !current(accountId, u.tag()) || nanoTime.getAsLong() - u.readAt() >= MAX_AGE_NANOS) {
            return -1;
        }
        return u.bytes();
    }

    /** Keeps a usage read tagged {@code tag}, unless the account changed since. */
    void put(long accountId, long tag, long bytes) {
        if (!current(accountId, tag)) {
            return;
        }
        if (usage.size() >= MAX_ENTRIES || lastChange.size() >= MAX_ENTRIES) {
            forgetAll();
            return;
        }
        usage.put(accountId, new Usage(bytes, tag, nanoTime.getAsLong()));
    }

    private boolean current(long accountId, long tag) {
        return tag >= forgottenAt && lastChange.getOrDefault(accountId, 0L) <= tag;
    }

    private void forgetAll() {
        forgottenAt = sequence.incrementAndGet();
        usage.clear();
        lastChange.clear();
    }

    @Override
    public void holdingsChanged(long accountId) {
        lastChange.put(accountId, sequence.incrementAndGet());
        usage.remove(accountId);
    }
}
