package dev.herald.limits;

import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;

/**
 * GCRA limiter shared across processes on Redis: each check is ONE atomic script call (EVALSHA) that reads the Redis
 * server's clock, so processes on different machines agree; no client-side locks and no compare-and-swap retries.
 * Keys are stored as {@code <prefix><key>} with a TTL of their reset-after. Thread-safe; failures propagate (the
 * gate decides about falling back).
 */
public final class RedisRateLimiter implements RateLimiter {
    private final RedisCommands<String, String> redis;
    private final String prefix;

    public RedisRateLimiter(RedisCommands<String, String> redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    @Override
    public RateDecision check(String key, RateLimit limit) {
        String k = prefix + key;
        GateScript.Result r = GateScript.run(redis, k, k, limit, 0, 0, "");
        return new RateDecision(r.decision() == GateScript.ALLOWED, r.remaining(),
                Duration.ofNanos(r.retryAfterMicros() * 1000), Duration.ofNanos(r.resetAfterMicros() * 1000));
    }
}
