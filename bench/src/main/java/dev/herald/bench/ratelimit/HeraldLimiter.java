package dev.herald.bench.ratelimit;

import dev.herald.limits.RateLimit;
import dev.herald.limits.RedisRateLimiter;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * Herald's limiter: GCRA in one atomic Lua script call (EVALSHA) per check, on Redis's clock; as shipped it remembers
 * Redis's denials until their retry-after ({@code herald}), or asks Redis for every check ({@code herald_script_only}).
 */
final class HeraldLimiter implements BenchLimiter {
    private final RedisRateLimiter limiter;
    private final RateLimit limit;
    private final boolean scriptOnly;

    HeraldLimiter(RedisCommands<String, String> redis, String prefix, RateLimit limit, boolean scriptOnly) {
        this.limiter = scriptOnly ? RedisRateLimiter.scriptOnly(redis, prefix) : new RedisRateLimiter(redis, prefix);
        this.limit = limit;
        this.scriptOnly = scriptOnly;
    }

    @Override public String name() { return scriptOnly ? "herald_script_only" : "herald"; }

    @Override public boolean tryAcquire(String key) { return limiter.check(key, limit).allowed(); }
}
