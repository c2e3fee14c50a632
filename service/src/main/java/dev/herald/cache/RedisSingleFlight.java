package dev.herald.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.infra.RedisLink;
import dev.herald.infra.RedisScript;
import dev.herald.json.Json;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@link SingleFlight} shared by every process on one Redis. Values are stored as JSON with the TTL of their kind. On a
 * miss the caller takes a lease ({@code SET lease NX PX} with its own token, in the same atomic script as the read of
 * the value), builds, and publishes the value while releasing the lease if it still owns it (one script); callers elsewhere poll for the value with backoff (2 ms doubling to 50 ms) and take
 * the lease themselves if it is released or expires (the owner died or failed). Nobody waits more than
 * {@code cache.wait}: past it a caller builds for itself. Within one process only one caller per key talks to Redis;
 * the others share its result. When Redis fails, {@link LocalSingleFlight} answers (warning + metric through
 * {@link RedisLink}) until Redis answers again; invalidations made meanwhile reach only this process. Builds are
 * counted in Redis ({@code herald:sf:builds:<kind>}, one counter per kind) by the script that publishes them.
 *
 * <p><b>Immutable kinds.</b> For the kinds named immutable (values never change under a key: notification contexts
 * are keyed by subject and change), each process also keeps what it built or fetched in memory for a short while, so
 * the contacts of one subject cost one Redis round trip and one parse per process, not one each ({@link RecentValues}:
 * least recently used out first, since each is used within moments of being built). Thread-safe.
 */
public final class RedisSingleFlight implements SingleFlight {
    private static final String PREFIX = "herald:sf:";
    private static final RedisScript RELEASE = RedisScript.of(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end");
    /** Atomically: the value if cached, else the lease if free ({'L'}), else {'W'} (someone else builds). */
    private static final RedisScript GET_OR_LEASE = RedisScript.of("""
            local v = redis.call('GET', KEYS[1])
            if v then return {'V', v} end
            if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'L'} end
            return {'W'}""");
    /** Atomically: whether the value is cached ({'V'}, without it), else the lease if free ({'L'}), else {'W'}. */
    private static final RedisScript EXISTS_OR_LEASE = RedisScript.of("""
            if redis.call('EXISTS', KEYS[1]) == 1 then return {'V'} end
            if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'L'} end
            return {'W'}""");
    /** Atomically: publish the value with its TTL, count the build, and release the lease if still ours. */
    private static final RedisScript PUBLISH = RedisScript.of("""
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            redis.call('INCR', KEYS[3])
            if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
            return 1""");

    /** A value's identity in this process; its Redis keys (value, lease) are spelled here only. */
    private record Key(String kind, String key) {
        String valueKey() { return PREFIX + "v:" + kind + ":" + key; }

        String leaseKey() { return PREFIX + "l:" + kind + ":" + key; }
    }

    /** The work of this process's one fetch or build of a key; it completes {@code mine} when it has the value. */
    private interface Flight<T> {
        T run(CompletableFuture<JsonNode> mine);
    }

    /** A {@link #prepare} found the value cached or built elsewhere and has none to share: its joiners ask again. */
    private static final class NotHeld extends RuntimeException {
        NotHeld() { super(null, null, false, false); }
    }

    /** A Redis call failed: fall back. */
    private static final class RedisDown extends RuntimeException {
        RedisDown(RuntimeException cause) { super(cause); }
    }

    private final RedisLink link;
    private final Map<String, Duration> ttlByKind;
    private final Duration defaultTtl;
    private final long leaseMillis;
    private final long maxWaitNanos;
    private final LocalSingleFlight fallback;
    private final ConcurrentHashMap<Key, CompletableFuture<JsonNode>> inFlight = new ConcurrentHashMap<>();
    private final Set<String> immutableKinds;
    private final RecentValues<Key, JsonNode> local;
    private final Duration sharedLocalTtl;

    /**
     * @param immutableKinds kinds whose values never change under a key; each process also keeps them in memory, at most
     *                       {@code sharedLocalEntries} of them for at most {@code sharedLocalTtl} (or the kind's TTL if shorter)
     */
    public RedisSingleFlight(RedisLink link, Map<String, Duration> ttlByKind, Duration defaultTtl, Duration lease, Duration maxWait,
                             long maxLocalEntries, Set<String> immutableKinds, long sharedLocalEntries, Duration sharedLocalTtl) {
        this.immutableKinds = Set.copyOf(immutableKinds);
        this.local = new RecentValues<>((int) Math.min(Integer.MAX_VALUE, sharedLocalEntries), System::nanoTime);
        this.sharedLocalTtl = sharedLocalTtl;
        this.link = link;
        this.ttlByKind = Map.copyOf(ttlByKind);
        this.defaultTtl = defaultTtl;
        this.leaseMillis = lease.toMillis();
        this.maxWaitNanos = maxWait.toNanos();
        this.fallback = new LocalSingleFlight(ttlByKind, defaultTtl, maxLocalEntries);
    }

    @Override
    public JsonNode getOrBuild(String kind, String key, Supplier<JsonNode> builder) {
        Key k = new Key(kind, key);
        boolean keep = immutableKinds.contains(kind);
        if (keep) {
            JsonNode held = local.get(k);
            if (held != null) return held;
        }
        CompletableFuture<JsonNode> mine = new CompletableFuture<>();
        CompletableFuture<JsonNode> existing;
        while ((existing = inFlight.putIfAbsent(k, mine)) != null) {
            try {
                return existing.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof NotHeld) { // a prepare that did not fetch it: ask Redis ourselves
                    inFlight.remove(k, existing);
                    continue;
                }
                if (e.getCause() instanceof RuntimeException re) throw re;
                throw e;
            }
        }
        return flying(k, mine, m -> {
            JsonNode v = fetchOrBuild(k, builder);
            if (keep) local.put(k, v, localTtl(kind));
            m.complete(v);
            return v;
        });
    }

    /**
     * Runs {@code flight} as the fetch or build of {@code k} that this process's other callers join, registered in
     * {@code inFlight} by the caller: completes {@code mine} with the failure when it throws, with {@link NotHeld} when it
     * returns without the value (the joiners then ask Redis themselves), and unregisters it.
     */
    private <T> T flying(Key k, CompletableFuture<JsonNode> mine, Flight<T> flight) {
        try {
            return flight.run(mine);
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            if (!mine.isDone()) mine.completeExceptionally(new NotHeld());
            inFlight.remove(k, mine);
        }
    }

    private long localTtl(String kind) {
        return Math.min(sharedLocalTtl.toNanos(), ttlByKind.getOrDefault(kind, defaultTtl).toNanos());
    }

    @Override
    public boolean prepare(String kind, String key, Supplier<JsonNode> builder) {
        Key k = new Key(kind, key);
        boolean keep = immutableKinds.contains(kind);
        if (keep && local.get(k) != null) return false;
        CompletableFuture<JsonNode> mine = new CompletableFuture<>();
        if (inFlight.putIfAbsent(k, mine) != null) return false; // being fetched or built in this process
        return flying(k, mine, m -> {
            if (!link.available()) return fallback.prepare(kind, key, builder);
            String token = UUID.randomUUID().toString();
            List<Object> r;
            try {
                r = redis(c -> EXISTS_OR_LEASE.run(c, ScriptOutputType.MULTI, new String[] {k.valueKey(), k.leaseKey()}, token,
                        Long.toString(leaseMillis)));
            } catch (RedisDown e) {
                link.failed("single-flight", (RuntimeException) e.getCause());
                return false;
            }
            if (!"L".equals(r.get(0))) return false; // cached, or another process builds it
            JsonNode v = buildAndPublish(k, token, builder);
            if (keep) local.put(k, v, localTtl(kind));
            m.complete(v);
            return true;
        });
    }

    @Override
    public long builds(String kind) {
        String n = redis(c -> c.get(buildsKey(kind)));
        return n == null ? 0 : Long.parseLong(n);
    }

    private static String buildsKey(String kind) {
        return PREFIX + "builds:" + kind;
    }

    private JsonNode fetchOrBuild(Key k, Supplier<JsonNode> builder) {
        String kind = k.kind();
        if (!link.available()) {
            return fallback.getOrBuild(kind, k.key(), builder);
        }
        try {
            long deadline = System.nanoTime() + maxWaitNanos;
            long backoffMillis = 2;
            String token = UUID.randomUUID().toString();
            String[] keys = {k.valueKey(), k.leaseKey()};
            while (true) {
                // One atomic step, so a value published (and its lease released) between a miss and a lease is never built twice.
                List<Object> r = redis(c -> GET_OR_LEASE.run(c, ScriptOutputType.MULTI, keys, token, Long.toString(leaseMillis)));
                if ("V".equals(r.get(0))) {
                    return Json.readStored((String) r.get(1), "cached value");
                }
                if ("L".equals(r.get(0))) {
                    return buildAndPublish(k, token, builder);
                }
                if (System.nanoTime() - deadline >= 0) {
                    JsonNode v = builder.get(); // waited long enough for another process: build for ourselves
                    try {
                        redis(c -> c.incr(buildsKey(kind)));
                    } catch (RedisDown e) {
                        link.failed("single-flight", (RuntimeException) e.getCause());
                    }
                    return v;
                }
                sleep(backoffMillis);
                backoffMillis = Math.min(50, backoffMillis * 2);
            }
        } catch (RedisDown e) {
            link.failed("single-flight", (RuntimeException) e.getCause());
            return fallback.getOrBuild(kind, k.key(), builder);
        }
    }

    private JsonNode buildAndPublish(Key k, String token, Supplier<JsonNode> builder) {
        String kind = k.kind();
        JsonNode v;
        try {
            v = builder.get();
        } catch (RuntimeException | Error e) {
            releaseQuietly(k.leaseKey(), token); // let another caller try at once instead of after the lease
            throw e;
        }
        String json;
        try {
            json = Json.mapper().writeValueAsString(v);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a " + kind + " value", e);
        }
        try {
            long ttl = ttlByKind.getOrDefault(kind, defaultTtl).toMillis();
            redis(c -> PUBLISH.run(c, ScriptOutputType.INTEGER, new String[] {k.valueKey(), k.leaseKey(), buildsKey(kind)}, json,
                    Long.toString(ttl), token));
            link.succeeded();
        } catch (RedisDown e) {
            link.failed("single-flight", (RuntimeException) e.getCause());
        }
        return v;
    }

    private void releaseQuietly(String leaseKey, String token) {
        try {
            redis(c -> RELEASE.run(c, ScriptOutputType.INTEGER, new String[] {leaseKey}, token));
        } catch (RedisDown e) {
            link.failed("single-flight", (RuntimeException) e.getCause());
        }
    }

    @Override
    public void invalidate(String kind, String key) {
        fallback.invalidate(kind, key);
        Key k = new Key(kind, key);
        local.remove(k);
        if (!link.available()) return;
        try {
            redis(c -> c.del(k.valueKey()));
        } catch (RedisDown e) {
            link.failed("single-flight", (RuntimeException) e.getCause());
        }
    }

    private <T> T redis(Function<RedisCommands<String, String>, T> call) {
        try {
            return call.apply(link.sync());
        } catch (RuntimeException e) {
            throw new RedisDown(e);
        }
    }


    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for another process's build", e);
        }
    }
}
