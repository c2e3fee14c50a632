package dev.herald.bench.ratelimit;

import dev.herald.limits.RateLimit;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/** This package's baseline and Redis child for other benchmarks (the burst reuses them rather than writing others). */
public final class Baselines {
    private Baselines() {}

    /** A local redis-server child; {@link #url()} to connect, close to stop it. */
    public interface LocalRedis extends AutoCloseable {
        String url();

        @Override
        void close();
    }

    /** Starts a redis-server child on a free loopback port, without persistence. */
    public static LocalRedis startRedis() {
        RedisServerProcess p = RedisServerProcess.start();
        return new LocalRedis() {
            @Override public String url() { return p.url(); }
            @Override public void close() { p.close(); }
        };
    }

    /**
     * The reference's lock-based GCRA limiter ({@code SET NX PX} lock, 100 ms polling) on one connection; the predicate
     * admits one check for a key. It gives up (throws) once {@code stopped} is set while it waits for the lock.
     */
    public static Predicate<String> lockBasedLimiter(RedisCommands<String, String> redis, String prefix, RateLimit limit,
                                                     AtomicBoolean stopped) {
        return new LockBasedLimiter(redis, prefix, limit, stopped)::tryAcquire;
    }
}
