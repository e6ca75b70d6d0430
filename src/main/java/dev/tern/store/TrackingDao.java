package dev.tern.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Delivery tracking: the messages that entered the queue, their recipients' latest states and
 * the events of their timelines. Written in the transactions that change the queue, so that a
 * timeline never disagrees with it; kept after the queue entry is gone, until purged.
 */
public interface TrackingDao {

    /** Starts the record of a message and its recipients, each in state {@code status}. */
    void insertMessage(Rows.TraceMessage message, List<String> recipients, String status);

    /** Records an event. */
    void insertEvent(Rows.DeliveryEvent event);

    /** Sets a recipient's latest state; false when the message or recipient is not traced. */
    boolean setStatus(String queueId, String recipient, String status, Instant at);

    /** Messages matching the filter, newest first (received time, then queue id), at most {@code limit}. */
    List<Rows.TraceMessage> search(Rows.TraceFilter filter, int limit);

    Optional<Rows.TraceMessage> message(String queueId);

    /** The recipients of a traced message, in the order they were recorded. */
    List<Rows.TraceRecipient> recipients(String queueId);

    /** The events of a message in the order they happened. */
    List<Rows.DeliveryEvent> events(String queueId);

    /**
     * The events that happened at or after {@code since} and before {@code until}, counted by type
     * and hour (UTC), oldest hour first. With {@code domains} not empty, only the events of their
     * mail: an event about a recipient counts when the recipient or the message's sender is in one
     * of them; an event about the whole message when its sender or one of its recipients is.
     */
    List<Rows.EventCount> countEvents(Instant since, Instant until, Set<String> domains);

    /**
     * Removes at most {@code limit} messages received before {@code before} and no longer in the
     * queue, with their recipients and events; then events before {@code before} of messages
     * that are not traced. Returns how many messages went.
     */
    int purge(Instant before, int limit);

    /** Records the size of the queue at a moment (at most one sample per millisecond). */
    void insertQueueSample(Rows.QueueSample sample);

    /** The samples taken at or after {@code since}, oldest first. */
    List<Rows.QueueSample> queueSamples(Instant since);

    /** Removes the samples taken before {@code before}; returns how many. */
    int purgeQueueSamples(Instant before);
}
