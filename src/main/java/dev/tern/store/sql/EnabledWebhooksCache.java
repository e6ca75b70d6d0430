package dev.tern.store.sql;

import dev.tern.store.Rows;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The enabled webhooks of one database, as a store's writer last read them, kept for as long as
 * nothing can have changed them. The webhook recorder asks for them at every delivery event, on
 * the store's single writer thread, where a query per event was a large share of the work of
 * accepting a message; they change a few times a year.
 *
 * <p>Two things say that the list may have changed: a stamp that the backend reads once per
 * transaction or batch and that moves whenever another connection (another process, another
 * store on the same file) committed anything, and a count of the changes made through this
 * store's own connection, which the stamp does not see. A transaction that changes webhooks
 * bumps the count when it writes (so that later writes of the same batch reload) and again after
 * it commits; it reads the table itself until it ends, since what it sees is not yet committed.
 */
public final class EnabledWebhooksCache {

    private final AtomicLong ownChanges = new AtomicLong();
    private volatile Snapshot last;

    private record Snapshot(long stamp, long ownChanges, List<Rows.Webhook> webhooks) {
    }

    /** The list taken at {@code stamp} with no change through this store since, or a fresh one from {@code load}. */
    List<Rows.Webhook> get(long stamp, Supplier<List<Rows.Webhook>> load) {
        long own = ownChanges.get();
        Snapshot s = last;
        if (s != null && s.stamp() == stamp && s.ownChanges() == own) {
            return s.webhooks();
        }
        List<Rows.Webhook> webhooks = List.copyOf(load.get());
        last = new Snapshot(stamp, own, webhooks);
        return webhooks;
    }

    /**
     * Drops the list: a webhook was made, changed or deleted through this store, or a transaction
     * that may have read such a change was rolled back.
     */
    public void invalidate() {
        ownChanges.incrementAndGet();
    }
}
