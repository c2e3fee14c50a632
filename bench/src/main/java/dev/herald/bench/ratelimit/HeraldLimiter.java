package dev.herald.bench.ratelimit;

import dev.herald.limits.RateLimit;
import dev.herald.limits.RedisRateLimiter;
import io.lettuce.core.api.sync.RedisCommands;

/** Herald's limiter as shipped: GCRA in one atomic Lua script call (EVALSHA) per check, on Redis's clock. */
final class HeraldLimiter implements BenchLimiter {
    private final RedisRateLimiter limiter;
    private final RateLimit limit;

    HeraldLimiter(RedisCommands<String, String> redis, String prefix, RateLimit limit) {
        this.limiter = new RedisRateLimiter(redis, prefix);
        this.limit = limit;
    }

    @Override public String name() { return "herald"; }

    @Override public boolean tryAcquire(String key) { return limiter.check(key, limit).allowed(); }
}
