package dev.tern.security.greylist;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/** A small map that forgets its least recently used entries beyond a capacity. Thread-safe. */
final class LruCache<K, V> {

    private final LinkedHashMap<K, V> map;

    LruCache(int capacity) {
        map = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized V get(K key) {
        return map.get(key);
    }

    synchronized void put(K key, V value) {
        map.put(key, value);
    }

    synchronized void remove(K key) {
        map.remove(key);
    }

    synchronized void removeIf(Predicate<V> stale) {
        map.values().removeIf(stale);
    }

    synchronized int size() {
        return map.size();
    }
}
