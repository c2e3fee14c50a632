package dev.herald.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.herald.Coordination;
import dev.herald.HeraldSettings;
import dev.herald.cli.Main;
import dev.herald.config.HeraldConfig;
import dev.herald.contacts.Channel;
import dev.herald.infra.Metrics;
import dev.herald.infra.RedisLink;
import dev.herald.limits.DeliveryGate;
import dev.herald.limits.GateDecision;
import dev.herald.testing.TestRedis;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Redis optional for correctness: refused at start when asked for, survived when it dies later, used again when it returns. */
class RedisFallbackTest {
    @Test
    void unreachableRedisAtStartIsAClearErrorNotASilentSingleProcess() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        HeraldConfig config = HeraldConfig.defaults(Map.of("redis.url", "redis://:s3cret@127.0.0.1:" + closedPort));
        assertThatThrownBy(() -> Coordination.create(HeraldSettings.from(config), new Metrics()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot reach Redis at redis://***@127.0.0.1:" + closedPort)
                .hasMessageNotContaining("s3cret");
        assertThat(Main.run("serve", "--port", "0", "--redis-url", "redis://127.0.0.1:" + closedPort,
                "--data-dir", java.nio.file.Files.createTempDirectory("herald-redis-refused").toString())).isEqualTo(1);
    }

    @Test
    void redisKilledMidRunFallsBackInProcessAndComesBack() throws Exception {
        try (TestRedis redis = TestRedis.start()) {
            Metrics metrics = new Metrics();
            HeraldConfig config = HeraldConfig.defaults(Map.of("redis.url", redis.url(), "redis.retry-after", "100ms",
                    "limits.rate", "1", "limits.period", "1h", "limits.burst", "2"));
            try (Coordination c = Coordination.create(HeraldSettings.from(config), metrics)) {
                DeliveryGate gate = c.deliveryGate();
                SingleFlight sf = c.singleFlight();
                RedisLink link = c.redis().orElseThrow();
                UUID org = UUID.randomUUID(), contact = UUID.randomUUID();
                assertThat(gate.check(org, contact, Channel.WEBHOOK, "i", null)).isEqualTo(GateDecision.ALLOW);
                assertThat(link.sync().exists("herald:gate:rl:c:" + contact)).isEqualTo(1);
                assertThat(sf.getOrBuild(CacheKinds.CONTEXT, "k", () -> JsonNodeFactory.instance.textNode("v1")).asText()).isEqualTo("v1");

                redis.kill();
                // Both keep answering, in process: the local limiter starts fresh (burst 2), then delays.
                assertThat(gate.check(org, contact, Channel.WEBHOOK, "i", null)).isEqualTo(GateDecision.ALLOW);
                assertThat(link.up()).isFalse();
                assertThat(gate.check(org, contact, Channel.WEBHOOK, "i", null)).isEqualTo(GateDecision.ALLOW);
                assertThat(gate.check(org, contact, Channel.WEBHOOK, "i", null)).isInstanceOf(GateDecision.Delay.class);
                AtomicInteger builds = new AtomicInteger();
                assertThat(sf.getOrBuild(CacheKinds.CONTEXT, "k2", () -> JsonNodeFactory.instance.numberNode(builds.incrementAndGet())).asInt())
                        .isEqualTo(1);
                assertThat(sf.getOrBuild(CacheKinds.CONTEXT, "k2", () -> JsonNodeFactory.instance.numberNode(builds.incrementAndGet())).asInt())
                        .as("cached in process meanwhile").isEqualTo(1);
                assertThat(metrics.registry().get("herald.redis.fallbacks").counters().stream().mapToDouble(x -> x.count()).sum())
                        .isGreaterThanOrEqualTo(1);
                assertThat(metrics.registry().get("herald.redis.up").gauge().value()).isZero();

                redis.startAgain(); // an empty Redis on the same port (no persistence)
                UUID contact2 = UUID.randomUUID();
                await("back on Redis").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
                    if (link.up() && link.sync().exists("herald:gate:rl:c:" + contact2) != 0) return true;
                    gate.check(org, contact2, Channel.WEBHOOK, "i", null);
                    return false;
                });
                assertThat(metrics.registry().get("herald.redis.up").gauge().value()).isEqualTo(1);
                assertThat(sf.getOrBuild(CacheKinds.CONTEXT, "k3", () -> JsonNodeFactory.instance.textNode("v3")).asText()).isEqualTo("v3");
                assertThat(link.sync().get("herald:sf:v:context:k3")).isEqualTo("\"v3\"");
            }
        }
    }
}
