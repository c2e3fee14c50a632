package dev.herald;

import dev.herald.cache.CacheKinds;
import dev.herald.cache.CacheSettings;
import dev.herald.cache.LocalSingleFlight;
import dev.herald.cache.RedisSingleFlight;
import dev.herald.cache.SingleFlight;
import dev.herald.infra.Metrics;
import dev.herald.infra.RedisLink;
import dev.herald.limits.DeliveryGate;
import dev.herald.limits.LimitSettings;
import dev.herald.limits.LocalDeliveryGate;
import dev.herald.limits.NanoClock;
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
     * Builds the gate and single-flight the settings ask for ({@code limits.*}, {@code cache.*}, {@code redis.*}).
     *
     * @throws IllegalStateException when {@code redis.url} is set and Redis cannot be reached (never silently single-process)
     */
    public static Coordination create(HeraldSettings settings, Metrics metrics) {
        LimitSettings limits = settings.limits();
        CacheSettings cache = settings.cache();
        if (settings.redis().url().isEmpty()) {
            return new Coordination(new LocalDeliveryGate(limits.rateLimit(), limits.scope(), NanoClock.SYSTEM, limits.maxKeys(), metrics),
                    new LocalSingleFlight(cache.ttls(), cache.defaultTtl(), cache.maxEntries()), null);
        }
        RedisLink link = RedisLink.connect(settings.redis(), metrics);
        return new Coordination(new RedisDeliveryGate(link, limits.rateLimit(), limits.scope(), limits.maxKeys(), metrics),
                new RedisSingleFlight(link, cache.ttls(), cache.defaultTtl(), cache.lease(), cache.maxWait(), cache.maxEntries(),
                        java.util.Set.of(CacheKinds.CONTEXT), cache.sharedLocalEntries(), cache.sharedLocalTtl()), link);
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
