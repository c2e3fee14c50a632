package dev.herald.limits;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.contacts.Channel;
import dev.herald.infra.Metrics;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * The delivery gate of one process: the GCRA rate limit ({@link LocalRateLimiter}, lock-free) then the contact's
 * throttle window. Over the rate limit: {@link GateDecision.Delay} at the retry-after (nothing counted). Over the
 * window: {@link GateDecision.Skip} (the rate slot is spent: conservative, it never lets more through). Thread-safe.
 */
public final class LocalDeliveryGate implements DeliveryGate {
    private final RateLimit limit;
    private final RateScope scope;
    private final LocalRateLimiter limiter;
    private final LocalThrottleWindows windows;
    private final GateMetrics metrics;

    public LocalDeliveryGate(RateLimit limit, RateScope scope, NanoClock clock, long maxKeys, Metrics metrics) {
        this(limit, scope, clock, maxKeys, new GateMetrics(metrics));
    }

    LocalDeliveryGate(RateLimit limit, RateScope scope, NanoClock clock, long maxKeys, GateMetrics metrics) {
        this.limit = limit;
        this.scope = scope;
        // An idle key is as good as new once its reset-after (at most tau + T) has passed.
        Duration idle = Duration.ofNanos(limit.toleranceNanos() + limit.emissionIntervalNanos()).plus(limit.period());
        this.limiter = new LocalRateLimiter(clock, maxKeys, idle);
        this.windows = new LocalThrottleWindows(clock, maxKeys);
        this.metrics = metrics;
    }

    @Override
    public GateDecision check(UUID organizationId, UUID contactId, Channel channel, String groupKey, JsonNode contactThrottle,
                              RateLimit contactLimit, String occurrenceId) {
        long start = System.nanoTime();
        try {
            return metrics.count(decide(organizationId, contactId, channel, groupKey, contactThrottle, contactLimit, occurrenceId));
        } finally {
            metrics.local.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    /** The decision without metrics (also the Redis gate's fallback). */
    GateDecision decide(UUID organizationId, UUID contactId, Channel channel, String groupKey, JsonNode contactThrottle,
                        RateLimit contactLimit, String occurrenceId) {
        RateLimit effective = contactLimit != null ? contactLimit : limit;
        RateDecision rate = limiter.check(RateScope.key(scope, organizationId, contactId, channel, contactLimit), effective);
        if (!rate.allowed()) {
            return new GateDecision.Delay(rate.retryAfter());
        }
        Optional<ThrottleWindow> w = Throttles.of(contactId, contactThrottle);
        if (w.isPresent()) {
            ThrottleDecision t = windows.admit(RateScope.throttleKey(contactId, w.get(), groupKey), w.get(), occurrenceId);
            if (!t.admitted()) {
                return new GateDecision.Skip(w.get().reason());
            }
        }
        return GateDecision.ALLOW;
    }
}
