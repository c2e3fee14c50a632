package dev.herald.limits;

import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;

/**
 * GCRA limiter shared across processes on Redis: each check is ONE atomic script call (EVALSHA) that reads the Redis
 * server's clock, so processes on different machines agree; no client-side locks and no compare-and-swap retries.
 * Keys are stored as {@code <prefix><key>} with a TTL of their reset-after. A denial is remembered in process until
 * its retry-after ({@link DenyCache}): checks of a key Redis has just refused are refused without asking again.
 * Thread-safe; failures propagate (the gate decides about falling back).
 */
public final class RedisRateLimiter implements RateLimiter {
    private final RedisCommands<String, String> redis;
    private final String prefix;
    private final DenyCache denials; // null: every check asks Redis

    public RedisRateLimiter(RedisCommands<String, String> redis, String prefix) {
        this(redis, prefix, NanoClock.SYSTEM, 100_000);
    }

    /** Without remembering denials: every check is one script call (to measure the script alone). */
    public static RedisRateLimiter scriptOnly(RedisCommands<String, String> redis, String prefix) {
        return new RedisRateLimiter(redis, prefix, null);
    }

    private RedisRateLimiter(RedisCommands<String, String> redis, String prefix, DenyCache denials) {
        this.redis = redis;
        this.prefix = prefix;
        this.denials = denials;
    }

    /**
     * @param clock   the local clock that times remembered denials
     * @param maxKeys bound on remembered denials
     */
    public RedisRateLimiter(RedisCommands<String, String> redis, String prefix, NanoClock clock, long maxKeys) {
        this(redis, prefix, new DenyCache(clock, maxKeys));
    }

    @Override
    public RateDecision check(String key, RateLimit limit) {
        String k = prefix + key;
        RateDecision known = denials == null ? null : denials.check(k, limit);
        if (known != null) {
            return known;
        }
        long sentAt = denials == null ? 0 : denials.now();
        GateScript.Result r = GateScript.run(redis, k, k, limit, 0, 0, "");
        RateDecision d = new RateDecision(r.decision() == GateScript.ALLOWED, r.remaining(),
                Duration.ofNanos(r.retryAfterMicros() * 1000), Duration.ofNanos(r.resetAfterMicros() * 1000));
        if (!d.allowed() && denials != null) {
            denials.denied(k, limit, sentAt, d.retryAfter(), d.resetAfter());
        }
        return d;
    }
}
