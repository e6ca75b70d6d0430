package dev.tern.tracking;

import java.time.Instant;

/**
 * What to look for among traced messages; a null field matches everything. Start from
 * {@link #all()} and narrow it with the {@code with…} methods.
 *
 * @param messageId the Message-ID header, with or without angle brackets
 * @param queueId   the queue id
 * @param sender    the envelope sender (any case), {@code <>} for the null sender, or {@code @domain}
 * @param recipient a recipient (any case), or {@code @domain}
 * @param since     received at or after this
 * @param until     received before this
 * @param status    a recipient's latest state: queued, deferred, delivered, bounced, expired or
 *                  deleted; with {@code recipient}, that recipient's
 * @param limit     messages per page (1 to {@link MessageTrace#MAX_LIMIT})
 * @param cursor    where the previous page ended ({@link TracePage#nextCursor()}), or null for the newest
 */
public record TraceQuery(String messageId, String queueId, String sender, String recipient, Instant since,
                         Instant until, String status, int limit, String cursor) {

    public static final int DEFAULT_LIMIT = 20;

    /** Every message, newest first, {@link #DEFAULT_LIMIT} at a time. */
    public static TraceQuery all() {
        return new TraceQuery(null, null, null, null, null, null, null, DEFAULT_LIMIT, null);
    }

    public TraceQuery withMessageId(String v) {
        return new TraceQuery(v, queueId, sender, recipient, since, until, status, limit, cursor);
    }

    public TraceQuery withQueueId(String v) {
        return new TraceQuery(messageId, v, sender, recipient, since, until, status, limit, cursor);
    }

    public TraceQuery withSender(String v) {
        return new TraceQuery(messageId, queueId, v, recipient, since, until, status, limit, cursor);
    }

    public TraceQuery withRecipient(String v) {
        return new TraceQuery(messageId, queueId, sender, v, since, until, status, limit, cursor);
    }

    public TraceQuery withSince(Instant v) {
        return new TraceQuery(messageId, queueId, sender, recipient, v, until, status, limit, cursor);
    }

    public TraceQuery withUntil(Instant v) {
        return new TraceQuery(messageId, queueId, sender, recipient, since, v, status, limit, cursor);
    }

    public TraceQuery withStatus(String v) {
        return new TraceQuery(messageId, queueId, sender, recipient, since, until, v, limit, cursor);
    }

    public TraceQuery withLimit(int v) {
        return new TraceQuery(messageId, queueId, sender, recipient, since, until, status, v, cursor);
    }

    public TraceQuery withCursor(String v) {
        return new TraceQuery(messageId, queueId, sender, recipient, since, until, status, limit, v);
    }
}
