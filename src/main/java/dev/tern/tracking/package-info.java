/**
 * Delivery tracking: the timeline of every message and recipient (received, queued, each
 * delivery attempt, deferred, delivered, bounced, expired, deleted).
 *
 * <p>{@link dev.tern.tracking.DeliveryTracker} records events in the transaction that changes the
 * queue, so the timeline never disagrees with it: an event exists if and only if the state change
 * it describes was committed (see {@code docs/adr/0015-delivery-events.md}). After the commit it
 * tells its {@link dev.tern.tracking.DeliveryEventListener}s (metrics; later webhooks).
 * {@link dev.tern.tracking.MessageTrace} searches the records and purges them after the retention
 * time ({@code [tracking] retention}).
 *
 * <p>Invariants: events of a message are ordered by their sequence number; a recipient's latest
 * state is the type of its last state event. Records stay after the queue entry is gone and are
 * never purged while the message is still in the queue.
 *
 * <p>Security: the records hold addresses, client IP addresses and remote replies, never message
 * content; they are as private as the mail log. See {@code docs/tracking.md}.
 */
package dev.tern.tracking;
