package dev.tern.queue;

import dev.tern.store.Rows;

import java.util.List;

/** Told when recipients become ready for delivery (a message was just queued). */
@FunctionalInterface
public interface QueueListener {
    void queued(Rows.QueuedMessage message, List<Rows.QueueRecipient> recipients);
}
