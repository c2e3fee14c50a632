package dev.herald.bench.ratelimit;

import dev.herald.limits.RateLimit;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The baseline from the reference analysis: GCRA guarded by a Redis lock. Acquire {@code SET lock NX PX} with a token,
 * polling every 100 ms while someone else holds it (the default sleep of widely used Redis lock clients); then read
 * the TAT, compute on the client's clock, write it, release the lock (compare-and-delete).
 */
final class LockBasedLimiter implements BenchLimiter {
    private static final String RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final RedisCommands<String, String> redis;
    private final String prefix;
    private final long t;
    private final long tau;
    private final AtomicBoolean stopped;
    private final long epochMicros0 = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
    private final long nanos0 = System.nanoTime();

    LockBasedLimiter(RedisCommands<String, String> redis, String prefix, RateLimit limit, AtomicBoolean stopped) {
        this.redis = redis;
        this.prefix = prefix;
        this.t = limit.emissionIntervalMicros();
        this.tau = limit.toleranceMicros();
        this.stopped = stopped;
    }

    @Override public String name() { return "lock_based"; }

    @Override public boolean tryAcquire(String key) {
        String lock = prefix + "lock:" + key;
        String token = UUID.randomUUID().toString();
        while (!"OK".equals(redis.set(lock, token, SetArgs.Builder.nx().px(1000)))) {
            if (stopped.get()) throw new Abandoned();
            LockSupport.parkNanos(POLL_NANOS);
        }
        try {
            long now = epochMicros0 + (System.nanoTime() - nanos0) / 1000; // the client's clock, in µs
            String raw = redis.get(prefix + key);
            long tat = raw == null ? now : Math.max(now, Long.parseLong(raw));
            long newTat = tat + t;
            if (newTat - tau > now) return false;
            redis.set(prefix + key, Long.toString(newTat), SetArgs.Builder.px((newTat - now) / 1000 + 1));
            return true;
        } finally {
            redis.eval(RELEASE, ScriptOutputType.INTEGER, new String[] {lock}, token);
        }
    }
}
