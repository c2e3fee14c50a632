package dev.herald;

import dev.herald.cache.CacheKinds;
import dev.herald.cache.LocalSingleFlight;
import dev.herald.cache.RedisSingleFlight;
import dev.herald.cache.SingleFlight;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import dev.herald.infra.Metrics;
import dev.herald.infra.RedisLink;
import dev.herald.limits.DeliveryGate;
import dev.herald.limits.LocalDeliveryGate;
import dev.herald.limits.NanoClock;
import dev.herald.limits.RateLimit;
import dev.herald.limits.RateScope;
import dev.herald.limits.RedisDeliveryGate;
import java.util.Optional;

/**
 * What processes share to act as one: the delivery gate (rate limits, throttle windows) and single-flight caches.
 * With {@code redis.url} they live on Redis (falling back to in process while Redis fails); without it, in this
 * process. Thread-safe; close it with the process.
 */
public final class Coordination implements AutoCloseable {
    private final DeliveryGate gate;
    private final SingleFlight singleFlight;
    private final RedisLink redis;

    private Coordination(DeliveryGate gate, SingleFlight singleFlight, RedisLink redis) {
        this.gate = gate;
        this.singleFlight = singleFlight;
        this.redis = redis;
    }

    /**
     * Builds the gate and single-flight the configuration asks for.
     *
     * @throws IllegalStateException when {@code redis.url} is set and Redis cannot be reached (never silently single-process)
     * @throws IllegalArgumentException when the rate limit is invalid, naming the setting
     */
    public static Coordination create(HeraldConfig config, Metrics metrics) {
        RateLimit limit = RateLimit.fromConfig(config);
        RateScope scope = RateScope.parse(config.get(Settings.LIMITS_SCOPE));
        long maxKeys = config.get(Settings.LIMITS_MAX_KEYS);
        long maxEntries = config.get(Settings.CACHE_MAX_ENTRIES);
        if (config.get(Settings.REDIS_URL).isEmpty()) {
            return new Coordination(new LocalDeliveryGate(limit, scope, NanoClock.SYSTEM, maxKeys, metrics),
                    new LocalSingleFlight(CacheKinds.ttls(config), CacheKinds.defaultTtl(config), maxEntries), null);
        }
        RedisLink link = RedisLink.connect(config, metrics);
        return new Coordination(new RedisDeliveryGate(link, limit, scope, maxKeys, metrics),
                new RedisSingleFlight(link, CacheKinds.ttls(config), CacheKinds.defaultTtl(config),
                        config.get(Settings.CACHE_LEASE), config.get(Settings.CACHE_WAIT), maxEntries,
                        java.util.Set.of(CacheKinds.CONTEXT), config.get(Settings.CACHE_SHARED_LOCAL_ENTRIES),
                        config.get(Settings.CACHE_SHARED_LOCAL_TTL)), link);
    }

    public DeliveryGate deliveryGate() { return gate; }

    public SingleFlight singleFlight() { return singleFlight; }

    /** The Redis link when configured. */
    public Optional<RedisLink> redis() { return Optional.ofNullable(redis); }

    @Override
    public void close() {
        if (redis != null) redis.close();
    }
}
