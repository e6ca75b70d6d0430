package dev.tern.tracking;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * How many events of each type happened in one hour.
 *
 * @param start  the start of the hour (UTC)
 * @param counts the number of events by type; types that did not happen are absent
 */
public record HourlyCounts(Instant start, Map<DeliveryEvent.Type, Long> counts) {

    public HourlyCounts {
        EnumMap<DeliveryEvent.Type, Long> copy = new EnumMap<>(DeliveryEvent.Type.class);
        copy.putAll(counts);
        counts = Collections.unmodifiableMap(copy);
    }

    /** The number of events of this type in the hour. */
    public long count(DeliveryEvent.Type type) {
        return counts.getOrDefault(type, 0L);
    }
}
