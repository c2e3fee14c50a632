package dev.herald.cache;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A small in-process map of values kept for a short while after they were built or fetched, evicting the least
 * recently used entry when full and dropping entries older than their time to live on read.
 *
 * <p>Why not a Caffeine cache: Caffeine's admission policy (W-TinyLFU) admits a new entry into a full cache only if it
 * is asked for more often than the entry it would evict. The values kept here are each used a few times within
 * milliseconds of being built (the other contacts of one change) and never again, so under a sustained burst a full
 * Caffeine cache turned most new contexts away and their units fetched them from Redis again (the burst benchmark
 * measured the cost; see bench-results/NOTES.md). Recency is the right policy for them. Thread-safe (one lock; each operation is a map access).
 *
 * @param <K> key type
 * @param <V> value type
 */
final class RecentValues<K, V> {
    private record Held<V>(V value, long expiresAtNanos) {}

    private final int maxEntries;
    private final LongSupplier nanos;
    private final LinkedHashMap<K, Held<V>> map;

    /** @param maxEntries bound on entries (0 keeps nothing) */
    RecentValues(int maxEntries, LongSupplier nanos) {
        this.maxEntries = maxEntries;
        this.nanos = nanos;
        this.map = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Held<V>> eldest) {
                return size() > RecentValues.this.maxEntries;
            }
        };
    }

    /** The value under {@code key} if it is there and not older than its time to live, else null. */
    synchronized V get(K key) {
        Held<V> e = map.get(key);
        if (e == null) return null;
        if (nanos.getAsLong() - e.expiresAtNanos() >= 0) {
            map.remove(key);
            return null;
        }
        return e.value();
    }

    /** Keeps {@code value} for {@code ttlNanos} (nothing when the TTL or the bound is 0). */
    synchronized void put(K key, V value, long ttlNanos) {
        if (maxEntries == 0 || ttlNanos <= 0) return;
        map.put(key, new Held<>(value, nanos.getAsLong() + ttlNanos));
    }

    synchronized void remove(K key) {
        map.remove(key);
    }

    synchronized int size() {
        return map.size();
    }
}
