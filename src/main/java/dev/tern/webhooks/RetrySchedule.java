package dev.tern.webhooks;

import java.time.Duration;
import java.util.List;

/**
 * How long a delivery waits after each failed attempt: after the {@code n}th failure, the
 * {@code n}th delay; once they are used up, the delivery has failed. The default schedule tries
 * 9 times over about 24 hours: at once, then after 30 s, 2 min, 10 min, 1 h, 2 h, 4 h, 8 h and 8 h.
 */
public record RetrySchedule(List<Duration> delays) {

    public static final RetrySchedule DEFAULT = new RetrySchedule(List.of(Duration.ofSeconds(30),
            Duration.ofMinutes(2), Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofHours(2),
            Duration.ofHours(4), Duration.ofHours(8), Duration.ofHours(8)));

    public RetrySchedule {
        delays = List.copyOf(delays);
        if (delays.stream().anyMatch(d -> d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException("retry delays must be positive: " + delays);
        }
    }

    /** The delay before the next attempt after {@code attempts} failed ones, or null when there is none. */
    public Duration after(int attempts) {
        return attempts >= 1 && attempts <= delays.size() ? delays.get(attempts - 1) : null;
    }

    /** How many attempts a delivery gets in all. */
    public int maxAttempts() {
        return delays.size() + 1;
    }
}
