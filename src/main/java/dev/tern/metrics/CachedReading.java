package dev.tern.metrics;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * A reading of the store (the queue's size, the suppression list's) taken at most once per period:
 * a scrape every few seconds, or several gauges read in one scrape, cost one query. When the store
 * cannot be read, the last reading stays.
 */
final class CachedReading<T> {

    private static final Logger log = LoggerFactory.getLogger(CachedReading.class);

    private final String what;
    private final Supplier<T> source;
    private final Clock clock;
    private final Duration period;
    private T value;
    private Instant readAt;

    /**
     * @param what    what is read, for the log ("the queue's size")
     * @param initial the value until a first reading succeeds
     */
    CachedReading(String what, Supplier<T> source, T initial, Clock clock, Duration period) {
        this.what = what;
        this.source = source;
        this.value = initial;
        this.clock = clock;
        this.period = period;
    }

    synchronized T get() {
        Instant now = clock.instant();
        if (readAt == null || !now.isBefore(readAt.plus(period))) {
            readAt = now;
            try {
                value = source.get();
            } catch (RuntimeException e) {
                log.warn("could not read {} for the metrics: {}", what, e.toString());
            }
        }
        return value;
    }
}
