package dev.tern.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The delivery queue: one row per message, one per recipient with its own state. */
public interface QueueDao {

    /** Inserts a message and its recipients (state {@code queued}); returns the recipients' rows. */
    List<Rows.QueueRecipient> insert(Rows.QueuedMessage message, List<Rows.NewRecipient> recipients, Instant now);

    Optional<Rows.QueuedMessage> message(String id);

    List<Rows.QueueRecipient> recipients(String messageId);

    Optional<Rows.QueueRecipient> recipient(long recipientId);

    /** Recipients waiting for delivery (queued, deferred and due by {@code now}, or in flight with an expired lease) of messages not on hold. */
    List<Rows.QueueRecipient> due(Instant now, int limit);

    /** Moves a waiting recipient to a final state; false when it is no longer waiting (deleted, already done). */
    boolean finish(long recipientId, String state, String detail, Instant now);

    /** Schedules another attempt for a waiting recipient; false when it is no longer waiting. */
    boolean defer(long recipientId, Instant nextAttempt, String reason, Instant now);

    /**
     * Marks a waiting recipient in flight until {@code until}, when it is due again unless its
     * delivery recorded an outcome first; false when it is no longer waiting, or in flight under a
     * lease that has not expired (another node, or this one, is delivering it). On a store several
     * nodes share, this is what makes each delivery run on one node: the row is updated under its
     * lock and the condition checked again once the lock is held.
     */
    boolean lease(long recipientId, Instant until, Instant now);

    /**
     * Leases, like {@link #lease}, those of the given recipients that are waiting and not leased
     * (or whose lease expired) and that no other transaction is leasing at this moment; returns
     * the ids it leased. Where several nodes write at once the candidates are picked with
     * {@code SELECT … FOR UPDATE SKIP LOCKED}, so that two nodes scanning the same due rows take
     * disjoint sets without waiting for each other.
     */
    java.util.Set<Long> leaseAll(java.util.Collection<Long> recipientIds, Instant until, Instant now);

    /**
     * Extends the leases of recipients still in flight to {@code until} (their delivery is still
     * running on this node); returns how many were extended.
     */
    int renewLeases(java.util.Collection<Long> recipientIds, Instant until);

    /**
     * Gives back the lease of a recipient in flight that this node took and will not deliver now
     * (its destination is busy): due again at {@code next}, no attempt counted; false when it is no
     * longer in flight.
     */
    boolean unlease(long recipientId, Instant next);

    /**
     * Makes every recipient in flight due now: at the start of the only process that delivers
     * from this store, whatever was in flight was interrupted.
     */
    int releaseLeases(Instant now);

    /**
     * Moves a waiting recipient's next attempt to {@code next} without counting an attempt (its
     * destination is busy); false when it is no longer waiting or in flight.
     */
    boolean postpone(long recipientId, Instant next);

    /** Records that the sender was warned of the recipient's delay. */
    void markWarned(long recipientId);

    /**
     * Number of recipients of the message still waiting (queued, in flight or deferred). In a
     * write transaction, it waits for any other transaction that counted the same message's
     * recipients to end, and then sees what it committed: of two transactions that finish the
     * last recipients at once, the second counts 0 and removes the message.
     */
    int waiting(String messageId);

    /** Removes a message and its recipients; false when there was none. */
    boolean delete(String messageId);

    /**
     * Messages with recipients still waiting, oldest first; with {@code domains} (lower case) not
     * empty, only those whose sender or one of whose recipients is in one of them.
     */
    List<Rows.QueueSummary> list(int limit, Set<String> domains);

    /** Messages with recipients still waiting, oldest first. */
    default List<Rows.QueueSummary> list(int limit) {
        return list(limit, Set.of());
    }

    /** How many messages and waiting recipients the queue holds, and the oldest message's arrival. */
    Rows.QueueStats stats();

    /**
     * Like {@link #stats()} for the messages whose sender or one of whose recipients is in one of
     * {@code domains} (lower case): those messages, and their recipients still waiting.
     */
    Rows.QueueStats stats(Set<String> domains);

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
