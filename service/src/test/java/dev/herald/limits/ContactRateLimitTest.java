package dev.herald.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.HeraldConfig;
import dev.herald.contacts.Channel;
import dev.herald.infra.Metrics;
import dev.herald.infra.RedisLink;
import dev.herald.infra.RedisSettings;
import dev.herald.json.Json;
import dev.herald.testing.TestRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A contact's own {@code rate_limit} replaces the global one for that contact, on its own key, in process and on a real
 * redis-server alike; other contacts keep the global limit.
 */
class ContactRateLimitTest {
    static TestRedis redis;
    static RedisLink link;
    static final Metrics metrics = new Metrics();
    static final RateLimit GLOBAL = new RateLimit(1000, Duration.ofSeconds(1), 1000);
    static final RateLimit OWN = RateLimit.ofContact(Json.readStored("{\"rate\": 1, \"period\": \"1h\", \"burst\": 2}", "test"));

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

    @Test
    void theContactsOwnLimitParsesWithBurstDefaultingToRate() {
        assertThat(OWN).isEqualTo(new RateLimit(1, Duration.ofHours(1), 2));
        assertThat(RateLimit.ofContact(Json.readStored("{\"rate\": 5, \"period\": \"1m\"}", "test")))
                .isEqualTo(new RateLimit(5, Duration.ofMinutes(1), 5));
        assertThat(RateLimit.ofContact(null)).isNull();
    }

    @Test
    void inProcess() {
        holdsOnlyTheLimitedContact(new LocalDeliveryGate(GLOBAL, RateScope.CONTACT, System::nanoTime, 10_000, metrics));
    }

    @Test
    void onRedis() {
        holdsOnlyTheLimitedContact(new RedisDeliveryGate(link, GLOBAL, RateScope.CONTACT, 10_000, metrics));
    }

    private static void holdsOnlyTheLimitedContact(DeliveryGate gate) {
        UUID org = UUID.randomUUID(), limited = UUID.randomUUID(), other = UUID.randomUUID();
        List<GateDecision> own = List.of(
                gate.check(org, limited, Channel.WEBHOOK, "g", null, OWN, "a"),
                gate.check(org, limited, Channel.WEBHOOK, "g", null, OWN, "b"),
                gate.check(org, limited, Channel.WEBHOOK, "g", null, OWN, "c"));
        assertThat(own.subList(0, 2)).containsOnly(GateDecision.ALLOW);
        assertThat(own.get(2)).isInstanceOfSatisfying(GateDecision.Delay.class,
                d -> assertThat(d.retryAfter()).isBetween(Duration.ofMinutes(59), Duration.ofHours(1)));
        for (int i = 0; i < 10; i++) {
            assertThat(gate.check(org, other, Channel.WEBHOOK, "g", null, null, "o" + i)).as("global limit").isEqualTo(GateDecision.ALLOW);
        }
    }
}
