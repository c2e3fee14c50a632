package dev.herald.bench.ratelimit;

import dev.herald.limits.RateLimit;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;

/**
 * The peer: Bucket4j with its Lettuce backend (compare-and-swap on Redis), a token bucket of capacity {@code burst}
 * refilled greedily at {@code rate} per {@code period}, so any window of one period admits at most rate + burst.
 */
final class Bucket4jLimiter implements BenchLimiter {
    private final ProxyManager<String> proxies;
    private final BucketConfiguration config;
    private final String prefix;

    Bucket4jLimiter(StatefulRedisConnection<String, byte[]> connection, String prefix, RateLimit limit) {
        this.proxies = Bucket4jLettuce.casBasedBuilder(connection)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(30)))
                .build();
        this.config = BucketConfiguration.builder()
                .addLimit(b -> b.capacity(limit.burst()).refillGreedy(limit.rate(), limit.period()))
                .build();
        this.prefix = prefix;
    }

    @Override public String name() { return "bucket4j"; }

    @Override public boolean tryAcquire(String key) {
        return proxies.getProxy(prefix + key, () -> config).tryConsume(1);
    }
}
