package dev.tern.tracking;

import dev.tern.store.Rows;
import dev.tern.store.StoreTx;

/**
 * Hears of each delivery event inside the transaction that records it, and may write rows of its
 * own in that transaction (the webhook outbox): they commit with the event or not at all, so
 * nothing is lost between the commit and a listener. Runs in the middle of a transaction, on the
 * store's writer thread for the server: it must be quick and use the store only through
 * {@code tx}. What it throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface DeliveryEventRecorder {

    /**
     * @param message the queued message the event is about, with its sender and Message-ID; null
     *                for an operator's deletion, which knows only the queue id
     */
    void record(StoreTx tx, DeliveryEvent event, Rows.QueuedMessage message);
}
