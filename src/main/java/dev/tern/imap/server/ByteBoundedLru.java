package dev.tern.imap.server;

import java.util.LinkedHashMap;
import java.util.function.ToLongFunction;

/**
 * Values by key, bounded by their estimated size in bytes, the least recently used dropped first.
 * A value larger than half the bound is not kept, and neither is what its key held: one huge
 * mailbox would otherwise push out every other one. Thread-safe.
 */
final class ByteBoundedLru<K, V> {

    private final long maxBytes;
    private final ToLongFunction<V> sizeOf;
    private final LinkedHashMap<K, V> values = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    ByteBoundedLru(long maxBytes, ToLongFunction<V> sizeOf) {
        this.maxBytes = maxBytes;
        this.sizeOf = sizeOf;
    }

    synchronized V get(K key) {
        return values.get(key);
    }

    synchronized void put(K key, V value) {
        long size = sizeOf.applyAsLong(value);
        V old = size > maxBytes / 2 ? values.remove(key) : values.put(key, value);
        bytes += (size > maxBytes / 2 ? 0 : size) - (old == null ? 0 : sizeOf.applyAsLong(old));
        var it = values.values().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            bytes -= sizeOf.applyAsLong(it.next());
            it.remove();
        }
    }

    /** Values kept now. */
    synchronized int size() {
        return values.size();
    }
}
