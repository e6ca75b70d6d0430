package dev.tern.security.ratelimit;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Limits events per key (a client network, a user) to a {@link Rate} such as 30 per minute.
 *
 * <p>The algorithm is a token bucket in its "generic cell rate" form (GCRA): each key keeps one
 * number, the time at which its bucket will be full again (the "theoretical arrival time"). An
 * event of n permits moves that time n × (window / permits) into the future; it is allowed when
 * the time stays within one window of now. So a key may use its whole allowance at once, then gets
 * one permit back every window / permits, and all of it after one quiet window. Chosen over the
 * alternatives because:
 * <ul>
 *   <li>a sliding log (one timestamp per event) is exact but costs memory per event, and the key
 *       counts are what an attacker controls;</li>
 *   <li>a fixed window lets twice the rate through across a window boundary, and a sliding
 *       window counter only approximates;</li>
 *   <li>here state is one {@code long} per key, updated in constant time, and a key whose time has
 *       passed is exactly a fresh key: dropping it changes nothing. Idle keys are therefore dropped
 *       without approximation.</li>
 * </ul>
 *
 * <p>Memory is bounded: keys live in {@value #SEGMENTS} segments, each an access-ordered map
 * with its share of {@code maxKeys}; a full segment evicts its least recently used key, and every
 * call drops the segment's idle keys at the least recently used end. Evicting a key that is not idle
 * forgets its usage (it starts afresh): with a cap in the hundreds of thousands, only a flood of
 * distinct keys does that, and it cannot grow memory.
 *
 * <p>Thread-safe: each segment has its own lock, held for a few map operations; calls for keys in
 * different segments do not contend. Time comes from a nanosecond source that tests replace.
 *
 * @param <K> the key; must have value equality (records, strings, {@link java.net.InetAddress})
 */
public final class RateLimiter<K> {

    /** Default bound on tracked keys: with about 100 bytes per entry besides the key, some 10-20 MB at most. */
    public static final int DEFAULT_MAX_KEYS = 100_000;
    static final int SEGMENTS = 16;

    private final Rate rate;
    private final long interval;
    private final long window;
    private final LongSupplier nanoTime;
    private final Segment<K>[] segments;

    /** The time at which a key's bucket is full again, in the nanoTime source's terms. */
    private static final class Entry {
        long fullAt;

        Entry(long fullAt) {
            this.fullAt = fullAt;
        }
    }

    private static final class Segment<K> extends LinkedHashMap<K, Entry> {
        private final int capacity;

        Segment(int capacity) {
            super(16, 0.75f, true);
            this.capacity = capacity;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<K, Entry> eldest) {
            return size() > capacity;
        }

        /** Drops idle keys from the least recently used end; amortised constant time. */
        void dropIdleEldest(long now) {
            Iterator<Entry> it = values().iterator();
            while (it.hasNext() && it.next().fullAt - now <= 0) {
                it.remove();
            }
        }
    }

    public RateLimiter(Rate rate) {
        this(rate, DEFAULT_MAX_KEYS, System::nanoTime);
    }

    /**
     * @param maxKeys  the most keys tracked at once
     * @param nanoTime a monotonic clock in nanoseconds, as {@link System#nanoTime()}
     */
    @SuppressWarnings("unchecked")
    public RateLimiter(Rate rate, int maxKeys, LongSupplier nanoTime) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1, got " + maxKeys);
        }
        this.rate = rate;
        this.window = rate.window().toNanos();
        this.interval = window / rate.permits();
        this.nanoTime = nanoTime;
        int n = Math.min(SEGMENTS, maxKeys);
        segments = new Segment[n];
        for (int i = 0; i < n; i++) {
            segments[i] = new Segment<>(maxKeys / n);
        }
    }

    public Rate rate() {
        return rate;
    }

    /** {@code tryAcquire(key, 1)}. */
    public boolean tryAcquire(K key) {
        return tryAcquire(key, 1);
    }

    /**
     * Takes permits for the key if its rate allows them now; takes nothing if it does not. More
     * permits than the rate allows per window are never granted.
     *
     * @return true when the permits were taken
     */
    public boolean tryAcquire(K key, int permits) {
        Objects.requireNonNull(key, "key");
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1, got " + permits);
        }
        if (permits > rate.permits()) {
            return false;
        }
        long now = nanoTime.getAsLong();
        Segment<K> s = segment(key);
        synchronized (s) {
            Entry e = s.get(key);
            long start = e == null || e.fullAt - now < 0 ? now : e.fullAt;
            long fullAt = start + permits * interval;
            boolean allowed = fullAt - now <= window;
            if (allowed) {
                if (e == null) {
                    s.put(key, new Entry(fullAt));
                } else {
                    e.fullAt = fullAt;
                }
            }
            s.dropIdleEldest(now);
            return allowed;
        }
    }

    /** How long until one permit is available for the key; zero when it is now. */
    public Duration retryAfter(K key) {
        long now = nanoTime.getAsLong();
        Segment<K> s = segment(key);
        long wait;
        synchronized (s) {
            Entry e = s.get(key);
            wait = e == null ? 0 : e.fullAt + interval - window - now;
        }
        return Duration.ofNanos(Math.max(0, wait));
    }

    /** Forgets every idle key now (calls drop them as they go; this sweeps all at once). */
    public void removeIdle() {
        long now = nanoTime.getAsLong();
        for (Segment<K> s : segments) {
            synchronized (s) {
                s.values().removeIf(e -> e.fullAt - now <= 0);
            }
        }
    }

    /** The number of keys tracked now (idle ones included until they are dropped). */
    public int trackedKeys() {
        int n = 0;
        for (Segment<K> s : segments) {
            synchronized (s) {
                n += s.size();
            }
        }
        return n;
    }

    private Segment<K> segment(K key) {
        int h = key.hashCode();
        h ^= h >>> 16;
        return segments[Math.floorMod(h, segments.length)];
    }
}
