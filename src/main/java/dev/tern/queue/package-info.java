/**
 * The durable queue: queue ids, {@link dev.tern.queue.MailQueue#enqueue} (the only way into the
 * queue: content fsync'd, then envelope committed, then the caller may answer 250) and the retry
 * policy. Which recipient to try next is decided elsewhere ({@code delivery.QueueRunner}).
 */
package dev.tern.queue;
