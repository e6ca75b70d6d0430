package dev.tern.metrics;

import dev.tern.store.Rows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The queue's size, read from the store at most once per period: a scrape every few seconds,
 * or several gauges read in one scrape, cost one pair of indexed counts. When the store cannot be
 * read, the last reading stays.
 */
final class CachedQueueStats {

    private static final Logger log = LoggerFactory.getLogger(CachedQueueStats.class);

    private final Supplier<Rows.QueueStats> source;
    private final Clock clock;
    private final Duration period;
    private Rows.QueueStats value = new Rows.QueueStats(0, 0, null);
    private Instant readAt;

    CachedQueueStats(Supplier<Rows.QueueStats> source, Clock clock, Duration period) {
        this.source = source;
        this.clock = clock;
        this.period = period;
    }

    synchronized Rows.QueueStats get() {
        Instant now = clock.instant();
        if (readAt == null || !now.isBefore(readAt.plus(period))) {
            readAt = now;
            try {
                value = source.get();
            } catch (RuntimeException e) {
                log.warn("could not read the queue's size for the metrics: {}", e.toString());
            }
        }
        return value;
    }
}
