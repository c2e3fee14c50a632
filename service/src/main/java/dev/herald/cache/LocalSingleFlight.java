package dev.herald.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * In-process {@link SingleFlight} on a Caffeine {@link AsyncCache}: concurrent callers for one key share one future,
 * so the builder runs once; entries expire after the TTL of their kind and the cache is bounded in size. A builder
 * that throws is not cached (the next caller builds again). Counts builds per kind. Thread-safe.
 */
public final class LocalSingleFlight implements SingleFlight {
    private record Key(String kind, String key) {}

    private final AsyncCache<Key, JsonNode> cache;
    private final ConcurrentHashMap<String, LongAdder> builds = new ConcurrentHashMap<>();

    /**
     * @param ttlByKind  TTL per kind; kinds not listed use {@code defaultTtl}
     * @param maxEntries bound on entries
     */
    public LocalSingleFlight(Map<String, Duration> ttlByKind, Duration defaultTtl, long maxEntries) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfter(new Expiry<Key, JsonNode>() {
                    @Override public long expireAfterCreate(Key k, JsonNode v, long now) {
                        return ttlByKind.getOrDefault(k.kind(), defaultTtl).toNanos();
                    }
                    @Override public long expireAfterUpdate(Key k, JsonNode v, long now, long current) {
                        return expireAfterCreate(k, v, now);
                    }
                    @Override public long expireAfterRead(Key k, JsonNode v, long now, long current) {
                        return current;
                    }
                })
                .buildAsync();
    }

    @Override
    public JsonNode getOrBuild(String kind, String key, Supplier<JsonNode> builder) {
        try {
            // The builder runs on the calling thread of the first caller (a virtual thread in consumers); others join its future.
            var mine = new java.util.concurrent.CompletableFuture<JsonNode>();
            var existing = cache.asMap().putIfAbsent(new Key(kind, key), mine);
            if (existing != null) {
                return existing.join();
            }
            try {
                builds.computeIfAbsent(kind, x -> new LongAdder()).increment();
                JsonNode v = builder.get();
                mine.complete(v);
                return v;
            } catch (RuntimeException | Error e) {
                cache.asMap().remove(new Key(kind, key), mine);
                mine.completeExceptionally(e);
                throw e;
            }
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw e;
        }
    }

    @Override
    public boolean prepare(String kind, String key, Supplier<JsonNode> builder) {
        if (cache.asMap().containsKey(new Key(kind, key))) return false; // cached or being built
        boolean[] built = {false};
        getOrBuild(kind, key, () -> {
            built[0] = true;
            return builder.get();
        });
        return built[0];
    }

    @Override
    public long builds(String kind) {
        LongAdder n = builds.get(kind);
        return n == null ? 0 : n.sum();
    }

    @Override
    public void invalidate(String kind, String key) {
        cache.synchronous().invalidate(new Key(kind, key));
    }
}
