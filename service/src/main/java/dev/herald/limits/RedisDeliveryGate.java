package dev.herald.limits;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.contacts.Channel;
import dev.herald.infra.Metrics;
import dev.herald.infra.RedisLink;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The delivery gate shared by every process on one Redis: rate limit and throttle window decided together in ONE
 * atomic script call on the server's clock (a delayed check counts nothing, a skipped one spends no rate slot).
 * A rate denial is remembered in process until its retry-after ({@link DenyCache}), so a hot key refused by Redis is
 * refused again without asking it. If Redis fails, the check is answered by an in-process {@link LocalDeliveryGate} (warning + metric via
 * {@link RedisLink}) until Redis answers again. Thread-safe.
 */
public final class RedisDeliveryGate implements DeliveryGate {
    private static final String PREFIX = "herald:gate:";

    private final RedisLink link;
    private final RateLimit limit;
    private final RateScope scope;
    private final LocalDeliveryGate fallback;
    private final GateMetrics metrics;
    private final DenyCache denials;

    public RedisDeliveryGate(RedisLink link, RateLimit limit, RateScope scope, long maxKeys, Metrics metrics) {
        this.link = link;
        this.limit = limit;
        this.scope = scope;
        this.metrics = new GateMetrics(metrics);
        this.fallback = new LocalDeliveryGate(limit, scope, NanoClock.SYSTEM, maxKeys, this.metrics);
        this.denials = new DenyCache(NanoClock.SYSTEM, maxKeys);
    }

    @Override
    public GateDecision check(UUID organizationId, UUID contactId, Channel channel, String groupKey, JsonNode contactThrottle,
                              RateLimit contactLimit, String occurrenceId) {
        long start = System.nanoTime();
        if (link.available()) {
            try {
                GateDecision d = viaRedis(organizationId, contactId, channel, groupKey, contactThrottle, contactLimit, occurrenceId);
                link.succeeded();
                metrics.redis.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                return metrics.count(d);
            } catch (RuntimeException e) {
                link.failed("gate", e);
            }
        }
        GateDecision d = fallback.decide(organizationId, contactId, channel, groupKey, contactThrottle, contactLimit, occurrenceId);
        metrics.local.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        return metrics.count(d);
    }

    private GateDecision viaRedis(UUID organizationId, UUID contactId, Channel channel, String groupKey, JsonNode contactThrottle,
                                  RateLimit contactLimit, String occurrenceId) {
        RateLimit effective = contactLimit != null ? contactLimit : limit;
        String rateKey = PREFIX + "rl:" + RateScope.key(scope, organizationId, contactId, channel, contactLimit);
        RateDecision known = denials.check(rateKey, effective);
        if (known != null) {
            return new GateDecision.Delay(known.retryAfter());
        }
        long sentAt = denials.now();
        Optional<ThrottleWindow> w = Throttles.of(contactId, contactThrottle);
        String throttleKey = w.map(x -> PREFIX + RateScope.throttleKey(contactId, x, groupKey)).orElse(rateKey);
        GateScript.Result r = GateScript.run(link.sync(), rateKey, throttleKey, effective, w.map(ThrottleWindow::max).orElse(0),
                w.map(x -> x.window().toNanos() / 1000).orElse(0L), occurrenceId);
        if (r.decision() == GateScript.ALLOWED) return GateDecision.ALLOW;
        if (r.decision() == GateScript.DELAYED) {
            Duration retryAfter = Duration.ofNanos(r.retryAfterMicros() * 1000);
            denials.denied(rateKey, effective, sentAt, retryAfter, Duration.ofNanos(r.resetAfterMicros() * 1000));
            return new GateDecision.Delay(retryAfter);
        }
        return new GateDecision.Skip(w.map(ThrottleWindow::reason).orElse("throttled"));
    }
}
