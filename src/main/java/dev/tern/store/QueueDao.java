package dev.tern.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The delivery queue: one row per message, one per recipient with its own state. */
public interface QueueDao {

    /** Inserts a message and its recipients (state {@code queued}); returns the recipients' rows. */
    List<Rows.QueueRecipient> insert(Rows.QueuedMessage message, List<Rows.NewRecipient> recipients, Instant now);

    Optional<Rows.QueuedMessage> message(String id);

    List<Rows.QueueRecipient> recipients(String messageId);

    Optional<Rows.QueueRecipient> recipient(long recipientId);

    /** Recipients waiting for delivery (queued, or deferred and due by {@code now}) of messages not on hold. */
    List<Rows.QueueRecipient> due(Instant now, int limit);

    /** Moves a waiting recipient to a final state; false when it is no longer waiting (deleted, already done). */
    boolean finish(long recipientId, String state, String detail, Instant now);

    /** Schedules another attempt for a waiting recipient; false when it is no longer waiting. */
    boolean defer(long recipientId, Instant nextAttempt, String reason, Instant now);

    /** Number of recipients of the message still waiting (queued or deferred). */
    int waiting(String messageId);

    /** Removes a message and its recipients; false when there was none. */
    boolean delete(String messageId);

    /** Messages with recipients still waiting, oldest first. */
    List<Rows.QueueSummary> list(int limit);

    /** Puts a message on hold or takes it off; false when there is no such message. */
    boolean setHeld(String messageId, boolean held);

    /**
     * Brings the next attempt of the message's waiting recipients forward to {@code now}, whether
     * or not the message is on hold; returns how many were scheduled later than {@code now}.
     */
    int makeDue(String messageId, Instant now);

    /** Like {@link #makeDue} for every message not on hold; returns how many recipients it moved. */
    int makeAllDue(Instant now);
}
