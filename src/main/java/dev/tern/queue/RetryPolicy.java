package dev.tern.queue;

import java.time.Duration;
import java.time.Instant;

/**
 * When to try a deferred recipient again: doubling delays from {@code first} up to {@code max},
 * like Postfix's minimal_backoff_time and maximal_backoff_time, until {@code lifetime} after the
 * message arrived, when the recipient expires.
 */
public record RetryPolicy(Duration first, Duration max, Duration lifetime) {

    public static RetryPolicy defaults() {
        return new RetryPolicy(Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofDays(5));
    }

    /** The next attempt after {@code attempts} failed ones. */
    public Instant nextAttempt(Instant now, int attempts) {
        long factor = 1L << Math.min(Math.max(attempts - 1, 0), 20);
        Duration delay = first.multipliedBy(factor);
        if (delay.compareTo(max) > 0) {
            delay = max;
        }
        return now.plus(delay);
    }

    public boolean expired(Instant receivedAt, Instant now) {
        return now.isAfter(receivedAt.plus(lifetime));
    }
}
