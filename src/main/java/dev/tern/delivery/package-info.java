/**
 * Delivery: the queue runner (new mail at once, deferred mail on schedule, what was left at the
 * last stop) and the local delivery agent, which writes mailbox rows and recipient state in one
 * transaction so that each message is delivered exactly once across crashes; the delivery events
 * (attempt, delivered, deferred, bounced, expired) are written in that same transaction. One log line per
 * delivery, Postfix style: {@code QUEUEID: to=<...>, relay=local, delay=..., status=sent (...)}.
 */
package dev.tern.delivery;
