package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.herald.cache.CacheKinds;
import dev.herald.cache.LocalSingleFlight;
import dev.herald.cache.RedisSingleFlight;
import dev.herald.contacts.Channel;
import dev.herald.limits.GateDecision;
import dev.herald.limits.LocalDeliveryGate;
import dev.herald.limits.RedisDeliveryGate;
import dev.herald.testing.TestApp;
import dev.herald.testing.TestRedis;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Herald wires the gate and single-flight the configuration asks for, and their meters reach /metrics. */
class CoordinationWiringTest {
    @Test
    void withoutRedisEverythingIsInProcess() {
        try (TestApp app = TestApp.start(Map.of())) {
            assertThat(app.herald.deliveryGate()).isInstanceOf(LocalDeliveryGate.class);
            assertThat(app.herald.singleFlight()).isInstanceOf(LocalSingleFlight.class);
            assertThat(app.herald.coordination().redis()).isEmpty();
        }
    }

    @Test
    void withRedisTheGateAndCachesAreSharedAndMetered() {
        try (TestRedis redis = TestRedis.start(); TestApp app = TestApp.start(Map.of("redis.url", redis.url(), "limits.burst", "1",
                "limits.rate", "1", "limits.period", "1h"))) {
            assertThat(app.herald.deliveryGate()).isInstanceOf(RedisDeliveryGate.class);
            assertThat(app.herald.singleFlight()).isInstanceOf(RedisSingleFlight.class);
            UUID contact = UUID.randomUUID();
            assertThat(app.herald.deliveryGate().check(app.orgId, contact, Channel.WEBHOOK, "i", null)).isEqualTo(GateDecision.ALLOW);
            assertThat(app.herald.deliveryGate().check(app.orgId, contact, Channel.WEBHOOK, "i", null)).isInstanceOf(GateDecision.Delay.class);
            app.herald.singleFlight().getOrBuild(CacheKinds.REFERENCE, "org", () -> JsonNodeFactory.instance.textNode("x"));
            assertThat(app.herald.coordination().redis().orElseThrow().sync().pttl("herald:sf:v:reference:org"))
                    .as("reference data lives for cache.ttl.reference (6h)").isGreaterThan(5L * 3600 * 1000);
            String metrics = app.get("/metrics", app.adminKey).raw();
            assertThat(metrics).contains("herald_redis_up 1.0").contains("herald_gate_decisions_total{decision=\"delayed\"} 1.0")
                    .contains("herald_gate_check_seconds_bucket{backend=\"redis\"");
        }
    }
}
