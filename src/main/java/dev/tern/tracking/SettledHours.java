package dev.tern.tracking;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The event counts of hours long enough past that no more events arrive in them, kept per view
 * (every domain, or a tenant's domains). The console's dashboard asks for the last 24 hours at
 * each visit: counting them means reading every event of the day, and on a busy server that is
 * millions of rows for figures that, but for the last hour, no longer change.
 *
 * <p>An event is stamped when the change it records is made, and written in that change's
 * transaction; {@link #SETTLE} is far longer than a transaction waits for the writer, or than
 * the clocks of a cluster's nodes should differ. A purge removes old events (of messages received
 * before the retention time, with everything that happened to them since), so it empties this.
 */
final class SettledHours {

    /** How long after its end an hour's counts are kept. */
    static final Duration SETTLE = Duration.ofMinutes(10);
    /** Views kept at once; the least recently used goes first. */
    static final int MAX_VIEWS = 16;

    private static final Map<DeliveryEvent.Type, Long> NONE = Collections.unmodifiableMap(
            new EnumMap<>(DeliveryEvent.Type.class));

    private final int maxHoursPerView;
    private final Map<Set<String>, TreeMap<Instant, Map<DeliveryEvent.Type, Long>>> views =
            new LinkedHashMap<>(MAX_VIEWS, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Set<String>, TreeMap<Instant, Map<DeliveryEvent.Type,
                        Long>>> eldest) {
                    return size() > MAX_VIEWS;
                }
            };

    SettledHours(int maxHoursPerView) {
        this.maxHoursPerView = maxHoursPerView;
    }

    /** True when no event can still arrive in the hour that starts at {@code hour}. */
    static boolean settled(Instant hour, Instant now) {
        return !hour.plus(Duration.ofHours(1)).isAfter(now.minus(SETTLE));
    }

    /**
     * Copies the kept counts of the hours from {@code first} on into {@code byHour}, as far as
     * they are kept without a gap, and answers the first hour that is not: the one to count from.
     */
    synchronized Instant fill(Set<String> view, Instant first, Instant end,
                              Map<Instant, Map<DeliveryEvent.Type, Long>> byHour) {
        TreeMap<Instant, Map<DeliveryEvent.Type, Long>> kept = views.get(view);
        Instant hour = first;
        while (kept != null && hour.isBefore(end)) {
            Map<DeliveryEvent.Type, Long> counts = kept.get(hour);
            if (counts == null) {
                break;
            }
            byHour.get(hour).putAll(counts);
            hour = hour.plus(1, ChronoUnit.HOURS);
        }
        return hour;
    }

    /** Keeps the counts of a settled hour. */
    synchronized void keep(Set<String> view, Instant hour, Map<DeliveryEvent.Type, Long> counts) {
        TreeMap<Instant, Map<DeliveryEvent.Type, Long>> kept = views.computeIfAbsent(Set.copyOf(view),
                v -> new TreeMap<>());
        kept.put(hour, counts.isEmpty() ? NONE : Collections.unmodifiableMap(new EnumMap<>(counts)));
        while (kept.size() > maxHoursPerView) {
            kept.pollFirstEntry();
        }
    }

    /** Forgets everything: events were removed. */
    synchronized void clear() {
        views.clear();
    }
}
