package dev.tern.config;

import java.time.Duration;

/**
 * Delivery tracking ({@code [tracking]}).
 *
 * @param retention how long the record of a message (its events, its recipients' states) is kept
 *                  after it was received; the server purges older ones that have left the queue
 */
public record TrackingSettings(Duration retention) {

    /** Shorter than this, a message could be forgotten while its delivery is still being looked into. */
    static final Duration MIN_RETENTION = Duration.ofHours(1);

    public static TrackingSettings defaults() {
        return new TrackingSettings(Duration.ofDays(30));
    }

    static TrackingSettings read(ConfigNode n) {
        Duration retention = n.duration("retention", defaults().retention());
        if (retention.compareTo(MIN_RETENTION) < 0) {
            throw new ConfigException(n.key("retention") + ": must be at least 1h, got " + retention);
        }
        return new TrackingSettings(retention);
    }
}
