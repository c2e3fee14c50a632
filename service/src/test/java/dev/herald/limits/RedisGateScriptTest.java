package dev.herald.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.config.HeraldConfig;
import dev.herald.contacts.Channel;
import dev.herald.infra.Metrics;
import dev.herald.infra.RedisLink;
import dev.herald.infra.RedisSettings;
import dev.herald.json.Json;
import dev.herald.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gate's Lua script against a real redis-server. */
class RedisGateScriptTest {
    static TestRedis redis;
    static RedisLink link;
    static Metrics metrics = new Metrics();

    @BeforeAll
    static void start() {
        redis = TestRedis.start();
        link = RedisLink.connect(RedisSettings.from(HeraldConfig.defaults(Map.of("redis.url", redis.url()))), metrics);
    }

    @AfterAll
    static void stop() {
        link.close();
        redis.close();
    }

    private static JsonNode json(String s) {
        try {
            return Json.mapper().readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void burstThenDeniedWithServerTimeRetryAndReset() {
        RedisRateLimiter l = new RedisRateLimiter(link.sync(), "test:rl1:");
        RateLimit limit = new RateLimit(1, Duration.ofHours(1), 3); // T = 1 h: no admission can come from elapsed time
        RateDecision a = l.check("k", limit), b = l.check("k", limit), c = l.check("k", limit), d = l.check("k", limit);
        assertThat(List.of(a.allowed(), b.allowed(), c.allowed(), d.allowed())).containsExactly(true, true, true, false);
        assertThat(List.of(a.remaining(), b.remaining(), c.remaining(), d.remaining())).containsExactly(2L, 1L, 0L, 0L);
        assertThat(a.resetAfter()).isEqualTo(Duration.ofHours(1));
        assertThat(d.retryAfter()).isBetween(Duration.ofMinutes(59), Duration.ofHours(1));
        assertThat(d.resetAfter()).isBetween(Duration.ofHours(3).minusMinutes(1), Duration.ofHours(3));
        assertThat(link.sync().pttl("test:rl1:k")).isBetween(Duration.ofHours(3).minusMinutes(1).toMillis(), Duration.ofHours(3).toMillis() + 1);
        // Another key has its own burst.
        assertThat(l.check("other", limit).allowed()).isTrue();
    }

    @Test
    void aDenialIsRememberedUntilItsRetryAfterAndOnlyDenies() {
        ManualClock clock = new ManualClock();
        RedisRateLimiter l = new RedisRateLimiter(link.sync(), "test:rl5:", clock, 1000);
        RateLimit limit = new RateLimit(1, Duration.ofMinutes(10), 1);
        assertThat(l.check("k", limit).allowed()).isTrue();
        RateDecision denied = l.check("k", limit);
        assertThat(denied.allowed()).isFalse();
        link.sync().del("test:rl5:k"); // Redis forgets the key; the process still knows Redis refused until retry-after
        clock.advance(denied.retryAfter().minusSeconds(1));
        RateDecision remembered = l.check("k", limit);
        assertThat(remembered.allowed()).isFalse();
        assertThat(remembered.retryAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(link.sync().exists("test:rl5:k")).as("answered without Redis").isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(l.check("k", limit).allowed()).as("past retry-after, Redis decides again").isTrue();
        assertThat(link.sync().exists("test:rl5:k")).isEqualTo(1);
        // Script-only: every check asks Redis.
        RedisRateLimiter raw = RedisRateLimiter.scriptOnly(link.sync(), "test:rl6:");
        assertThat(raw.check("k", limit).allowed()).isTrue();
        assertThat(raw.check("k", limit).allowed()).isFalse();
        link.sync().del("test:rl6:k");
        assertThat(raw.check("k", limit).allowed()).isTrue();
    }

    @Test
    void tightRateAdmitsOnePerInterval() {
        RedisRateLimiter l = new RedisRateLimiter(link.sync(), "test:rl2:");
        RateLimit limit = new RateLimit(1, Duration.ofSeconds(30), 1);
        assertThat(l.check("k", limit).allowed()).isTrue();
        RateDecision denied = l.check("k", limit);
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void scriptIsLoadedAgainAfterAFlush() {
        RedisRateLimiter l = new RedisRateLimiter(link.sync(), "test:rl3:");
        RateLimit limit = new RateLimit(1, Duration.ofHours(1), 2);
        assertThat(l.check("k", limit).allowed()).isTrue();
        link.sync().scriptFlush();
        assertThat(link.sync().scriptExists(GateScript.SHA)).containsExactly(false);
        assertThat(l.check("k", limit).allowed()).isTrue();
        assertThat(l.check("k", limit).allowed()).isFalse();
        assertThat(link.sync().scriptExists(GateScript.SHA)).containsExactly(true);
    }

    @Test
    void thirtyTwoThreadsOnOneKeyGetExactlyTheBurst() throws InterruptedException {
        RedisRateLimiter l = new RedisRateLimiter(link.sync(), "test:rl4:");
        RateLimit limit = new RateLimit(1, Duration.ofHours(1), 50);
        AtomicInteger admitted = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int c = 0; c < 100; c++) if (l.check("hot", limit).allowed()) admitted.incrementAndGet();
            }));
        }
        go.countDown();
        for (Thread t : ts) t.join();
        assertThat(admitted.get()).isEqualTo(50);
    }

    @Test
    void throttleWindowSkipsCountsOnceAndLeavesTheRateAlone() {
        RedisDeliveryGate gate = new RedisDeliveryGate(link, new RateLimit(1, Duration.ofHours(1), 4), RateScope.CONTACT, 1000, metrics);
        UUID org = UUID.randomUUID(), contact = UUID.randomUUID();
        JsonNode throttle = json("{\"max\": 2, \"window\": \"24h\", \"group_by\": \"incident\"}");
        assertThat(gate.check(org, contact, Channel.WEBHOOK, "inc-1", throttle, "wu-1")).isEqualTo(GateDecision.ALLOW);
        assertThat(gate.check(org, contact, Channel.WEBHOOK, "inc-1", throttle, "wu-1")).as("a retry is not counted again")
                .isEqualTo(GateDecision.ALLOW);
        assertThat(gate.check(org, contact, Channel.WEBHOOK, "inc-1", throttle, "wu-2")).isEqualTo(GateDecision.ALLOW);
        GateDecision third = gate.check(org, contact, Channel.WEBHOOK, "inc-1", throttle, "wu-3");
        assertThat(third).isInstanceOf(GateDecision.Skip.class);
        assertThat(((GateDecision.Skip) third).reason()).contains("at most 2 per 1d per incident");
        // The skip spent no rate slot: 3 of the burst of 4 were used (wu-1 twice, wu-2), one is left for another incident.
        assertThat(gate.check(org, contact, Channel.WEBHOOK, "inc-2", throttle, "wu-4")).isEqualTo(GateDecision.ALLOW);
        assertThat(gate.check(org, contact, Channel.WEBHOOK, "inc-3", throttle, "wu-5")).isInstanceOf(GateDecision.Delay.class);
        assertThat(metrics.registry().get("herald.gate.decisions").tag("decision", "skipped").counter().count()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aDelayIsNotCountedInTheThrottleWindow() {
        RedisDeliveryGate gate = new RedisDeliveryGate(link, new RateLimit(1, Duration.ofHours(1), 1), RateScope.CONTACT, 1000, metrics);
        UUID org = UUID.randomUUID(), contact = UUID.randomUUID();
        JsonNode throttle = json("{\"max\": 2, \"window\": \"1h\", \"group_by\": \"contact\"}");
        assertThat(gate.check(org, contact, Channel.EMAIL, "a", throttle, "o1")).isEqualTo(GateDecision.ALLOW);
        for (int i = 0; i < 5; i++) {
            assertThat(gate.check(org, contact, Channel.EMAIL, "b", throttle, "o" + (2 + i))).isInstanceOf(GateDecision.Delay.class);
        }
        assertThat(link.sync().zcard("herald:gate:t:" + contact + ":*")).isEqualTo(1);
    }

    @Test
    void organizationScopeSharesOneLimitAcrossContacts() {
        RedisDeliveryGate gate = new RedisDeliveryGate(link, new RateLimit(1, Duration.ofHours(1), 2), RateScope.ORGANIZATION, 1000, metrics);
        UUID org = UUID.randomUUID();
        assertThat(gate.check(org, UUID.randomUUID(), Channel.EMAIL, "i", null)).isEqualTo(GateDecision.ALLOW);
        assertThat(gate.check(org, UUID.randomUUID(), Channel.WEBHOOK, "i", null)).isEqualTo(GateDecision.ALLOW);
        assertThat(gate.check(org, UUID.randomUUID(), Channel.EMAIL, "i", null)).isInstanceOf(GateDecision.Delay.class);
        assertThat(gate.check(UUID.randomUUID(), UUID.randomUUID(), Channel.EMAIL, "i", null)).isEqualTo(GateDecision.ALLOW);
    }
}
