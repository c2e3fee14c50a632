package dev.herald.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.herald.config.HeraldConfig;
import dev.herald.infra.Metrics;
import dev.herald.infra.RedisLink;
import dev.herald.testing.TestRedis;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link SingleFlight#prepare}: what the context read-ahead relies on. A prepared value is built once, later callers get
 * it without building, a prepare never builds what is cached or being built (in any process), and every build is
 * counted once across processes.
 */
class SingleFlightPrepareTest {
    static TestRedis redis;
    static RedisLink linkA, linkB;

    @BeforeAll
    static void start() {
        redis = TestRedis.start();
        HeraldConfig config = HeraldConfig.defaults(Map.of("redis.url", redis.url()));
        linkA = RedisLink.connect(config, new Metrics());
        linkB = RedisLink.connect(config, new Metrics());
    }

    @AfterAll
    static void stop() {
        linkA.close();
        linkB.close();
        redis.close();
    }

    private static RedisSingleFlight flight(RedisLink link) {
        return new RedisSingleFlight(link, Map.of(CacheKinds.CONTEXT, Duration.ofMinutes(5)), Duration.ofMinutes(1), Duration.ofSeconds(30),
                Duration.ofSeconds(60), 1000, Set.of(CacheKinds.CONTEXT), 100, Duration.ofSeconds(30));
    }

    private static JsonNode value(String s) {
        return JsonNodeFactory.instance.textNode(s);
    }

    @Test
    void inProcessAPreparedValueIsBuiltOnceAndServedWithoutBuilding() {
        LocalSingleFlight flight = new LocalSingleFlight(Map.of(), Duration.ofMinutes(1), 100);
        AtomicInteger built = new AtomicInteger();
        assertThat(flight.prepare("k", "a", () -> value("v" + built.incrementAndGet()))).isTrue();
        assertThat(flight.prepare("k", "a", () -> value("v" + built.incrementAndGet()))).as("already cached").isFalse();
        assertThat(flight.getOrBuild("k", "a", () -> value("v" + built.incrementAndGet())).asText()).isEqualTo("v1");
        assertThat(built).hasValue(1);
        assertThat(flight.builds("k")).isEqualTo(1);
        assertThat(flight.builds("other")).isZero();
    }

    @Test
    void acrossProcessesAPrepareBuildsOnceAndTheOtherProcessFetchesIt() {
        String kind = CacheKinds.CONTEXT, key = "prep-" + UUID.randomUUID();
        RedisSingleFlight a = flight(linkA), b = flight(linkB);
        long before = a.builds(kind);
        AtomicInteger built = new AtomicInteger();
        assertThat(a.prepare(kind, key, () -> value("v" + built.incrementAndGet()))).isTrue();
        assertThat(b.prepare(kind, key, () -> value("v" + built.incrementAndGet()))).as("cached in Redis").isFalse();
        assertThat(a.prepare(kind, key, () -> value("v" + built.incrementAndGet()))).as("kept in process").isFalse();
        assertThat(b.getOrBuild(kind, key, () -> value("v" + built.incrementAndGet())).asText()).isEqualTo("v1");
        assertThat(a.getOrBuild(kind, key, () -> value("v" + built.incrementAndGet())).asText()).isEqualTo("v1");
        assertThat(built).hasValue(1);
        assertThat(b.builds(kind) - before).as("counted in Redis, seen by both processes").isEqualTo(1);
    }

    @Test
    void aPrepareWhileAnotherProcessBuildsReturnsAtOnceAndACallerInItsProcessJoinsNothingStale() throws Exception {
        String kind = CacheKinds.CONTEXT, key = "busy-" + UUID.randomUUID();
        RedisSingleFlight a = flight(linkA), b = flight(linkB);
        CountDownLatch building = new CountDownLatch(1), release = new CountDownLatch(1);
        AtomicInteger built = new AtomicInteger();
        Thread builder = Thread.ofVirtual().start(() -> a.getOrBuild(kind, key, () -> {
            built.incrementAndGet();
            building.countDown();
            await(release);
            return value("from-a");
        }));
        building.await();
        long start = System.nanoTime();
        assertThat(b.prepare(kind, key, () -> value("from-b" + built.incrementAndGet()))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("did not wait for the build").isLessThan(Duration.ofSeconds(5));
        release.countDown();
        builder.join();
        assertThat(b.getOrBuild(kind, key, () -> value("from-b" + built.incrementAndGet())).asText()).isEqualTo("from-a");
        assertThat(built).hasValue(1);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
