package dev.tern.tracking;

import java.time.Instant;
import java.util.Set;

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
 * @param domains   when not empty, only the messages whose sender or one of whose recipients is in one
 *                  of these domains (A-labels): what a tenant of these domains may see
 */
public record TraceQuery(String messageId, String queueId, String sender, String recipient, Instant since,
                         Instant until, String status, int limit, String cursor, Set<String> domains) {

    public static final int DEFAULT_LIMIT = 20;

    public TraceQuery {
        domains = domains == null ? Set.of() : Set.copyOf(domains);
    }

    /** A query of every domain. */
    public TraceQuery(String messageId, String queueId, String sender, String recipient, Instant since,
                      Instant until, String status, int limit, String cursor) {
        this(messageId, queueId, sender, recipient, since, until, status, limit, cursor, Set.of());
    }

    /** Every message, newest first, {@link #DEFAULT_LIMIT} at a time. */
    public static TraceQuery all() {
        return new TraceQuery(null, null, null, null, null, null, null, DEFAULT_LIMIT, null, Set.of());
    }

    public TraceQuery withMessageId(String v) {
        return new TraceQuery(v, queueId, sender, recipient, since, until, status, limit, cursor, domains);
    }

    public TraceQuery withQueueId(String v) {
        return new TraceQuery(messageId, v, sender, recipient, since, until, status, limit, cursor, domains);
    }

    public TraceQuery withSender(String v) {
        return new TraceQuery(messageId, queueId, v, recipient, since, until, status, limit, cursor, domains);
    }

    public TraceQuery withRecipient(String v) {
        return new TraceQuery(messageId, queueId, sender, v, since, until, status, limit, cursor, domains);
    }

    public TraceQuery withSince(Instant v) {
        return new TraceQuery(messageId, queueId, sender, recipient, v, until, status, limit, cursor, domains);
    }

    public TraceQuery withUntil(Instant v) {
        return new TraceQuery(messageId, queueId, sender, recipient, since, v, status, limit, cursor, domains);
    }

    public TraceQuery withStatus(String v) {
        return new TraceQuery(messageId, queueId, sender, recipient, since, until, v, limit, cursor, domains);
    }

    public TraceQuery withLimit(int v) {
        return new TraceQuery(messageId, queueId, sender, recipient, since, until, status, v, cursor, domains);
    }

    public TraceQuery withCursor(String v) {
        return new TraceQuery(messageId, queueId, sender, recipient, since, until, status, limit, v, domains);
    }

    public TraceQuery withDomains(Set<String> v) {
        return new TraceQuery(messageId, queueId, sender, recipient, since, until, status, limit, cursor, v);
    }
}
