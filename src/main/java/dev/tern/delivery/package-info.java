/**
 * Delivery: the queue runner (new mail at once, deferred mail on schedule, what was left at the
 * last stop) and the local delivery agent, which writes mailbox rows and recipient state in one
 * transaction so that each message is delivered exactly once across crashes; the delivery events
 * (attempt, delivered, deferred, bounced, expired) are written in that same transaction. One log line per
 * delivery, Postfix style: {@code QUEUEID: to=<...>, relay=local, delay=..., status=sent (...)}.
 *
 * <p>A local copy is the queued content with a header prefix (Return-Path, Delivered-To, the trace
 * fields), shared by reference between the queue and every copy. The one exception is a copy
 * whose header an account's Sieve script edited (editheader, RFC 5293): fields put on top go
 * into its prefix, any other edit makes a content of its own, written before the delivery
 * transaction and recorded in it ({@link dev.tern.delivery.SieveDelivery.EditedCopy}); the
 * copy's size, and the quota, count what it holds.
 */
package dev.tern.delivery;
