package dev.tern.sieve.commands;

import java.time.Duration;

/**
 * An id the duplicate test saw (RFC 7352), to be remembered for the account once the run has
 * succeeded: delivery writes it in the transaction that files the message.
 *
 * @param key    hex SHA-256 of the test's handle and the id, so the ids themselves are not kept
 * @param period how long it is remembered
 * @param last   {@code :last}: a sighting while it is still remembered starts its period again
 */
public record TrackedId(String key, Duration period, boolean last) {
}
