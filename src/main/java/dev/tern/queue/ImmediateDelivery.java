package dev.tern.queue;

import dev.tern.store.Rows;
import dev.tern.store.StoreTx;

import java.util.List;

/**
 * Delivery that can be finished inside the transaction that makes a message durable: a local
 * mailbox is written in the same commit as the message, so mail for this server's own users costs
 * one commit instead of two (enqueue, then deliver), and never waits for the queue runner.
 *
 * <p>What it does not finish (other domains, addresses that need a bounce or a success
 * notification) it returns, and the queue stores those recipients for the queue runner.
 */
public interface ImmediateDelivery {

    /**
     * Delivers what it can of a message being enqueued, in the caller's transaction.
     *
     * @return the recipients left for the queue, in their original order
     */
    List<Rows.NewRecipient> deliverNow(StoreTx tx, Rows.QueuedMessage message, List<Rows.NewRecipient> recipients);
}
