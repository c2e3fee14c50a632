package dev.herald.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.herald.config.HeraldConfig;
import dev.herald.infra.Metrics;
import dev.herald.infra.RedisLink;
import dev.herald.infra.RedisSettings;
import dev.herald.testing.TestRedis;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Single-flight across two Herald-like instances (each its own Redis connection and in-process state) on a real Redis. */
class RedisSingleFlightTest {
    static TestRedis redis;
    static RedisLink linkA, linkB;

    @BeforeAll
    static void start() {
        redis = TestRedis.start();
        HeraldConfig config = HeraldConfig.defaults(Map.of("redis.url", redis.url()));
        linkA = RedisLink.connect(RedisSettings.from(config), new Metrics());
        linkB = RedisLink.connect(RedisSettings.from(config), new Metrics());
    }

    @AfterAll
    static void stop() {
        linkA.close();
        linkB.close();
        redis.close();
    }

    private static RedisSingleFlight flight(RedisLink link, Duration lease) {
        return new RedisSingleFlight(link, Map.of(CacheKinds.CONTEXT, Duration.ofMinutes(5)), Duration.ofMinutes(1), lease,
                Duration.ofSeconds(60), 1000, java.util.Set.of(), 0, Duration.ZERO);
    }

    /** An instance that also keeps context values in memory, as Herald runs it (what the read-ahead's prepare uses). */
    private static RedisSingleFlight keeping(RedisLink link) {
        return new RedisSingleFlight(link, Map.of(CacheKinds.CONTEXT, Duration.ofMinutes(5)), Duration.ofMinutes(1), Duration.ofSeconds(30),
                Duration.ofSeconds(60), 1000, Set.of(CacheKinds.CONTEXT), 100, Duration.ofSeconds(30));
    }

    private static JsonNode value(String s) {
        return JsonNodeFactory.instance.textNode(s);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void sixteenThreadsOnEachOfTwoInstancesBuildAKeyOnce() throws InterruptedException {
        List<RedisSingleFlight> instances = List.of(flight(linkA, Duration.ofSeconds(30)), flight(linkB, Duration.ofSeconds(30)));
        for (int round = 0; round < 8; round++) { // the racers arrive in a different order each round
            assertThat(buildCount(instances, "race-" + round, round * 7 % 40)).as("round %d", round).isEqualTo(1);
        }
        AtomicInteger builds = new AtomicInteger();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (RedisSingleFlight sf : instances) {
            for (int i = 0; i < 16; i++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    JsonNode v = sf.getOrBuild(CacheKinds.CONTEXT, "fp-1", () -> {
                        int n = builds.incrementAndGet();
                        sleep(200); // an expensive assembly; everyone else arrives meanwhile
                        return JsonNodeFactory.instance.objectNode().put("built", n);
                    });
                    seen.add(v.toString());
                }));
            }
        }
        go.countDown();
        for (Thread t : threads) t.join();
        assertThat(builds.get()).isEqualTo(1);
        assertThat(seen).containsExactly("{\"built\":1}");
        // Stored with the TTL of its kind; a later caller in either instance reads it without building.
        assertThat(linkA.sync().pttl("herald:sf:v:context:fp-1")).isBetween(Duration.ofMinutes(4).toMillis(), Duration.ofMinutes(5).toMillis());
        assertThat(instances.get(1).getOrBuild(CacheKinds.CONTEXT, "fp-1", () -> { throw new AssertionError("rebuilt"); }))
                .isEqualTo(JsonNodeFactory.instance.objectNode().put("built", 1));
        // Invalidation on one instance reaches the other.
        instances.get(0).invalidate(CacheKinds.CONTEXT, "fp-1");
        assertThat(instances.get(1).getOrBuild(CacheKinds.CONTEXT, "fp-1", () -> JsonNodeFactory.instance.textNode("fresh")).asText())
                .isEqualTo("fresh");
    }

    @Test
    void anImmutableKindIsFetchedFromRedisOncePerProcessAndStillBuiltOnceOverall() {
        RedisSingleFlight a = flight(linkA, Duration.ofSeconds(30));
        RedisSingleFlight b = new RedisSingleFlight(linkB, Map.of(CacheKinds.CONTEXT, Duration.ofMinutes(5)), Duration.ofMinutes(1),
                Duration.ofSeconds(30), Duration.ofSeconds(60), 1000, Set.of(CacheKinds.CONTEXT), 100, Duration.ofMinutes(1));
        AtomicInteger builds = new AtomicInteger();
        a.getOrBuild(CacheKinds.CONTEXT, "imm-1", () -> JsonNodeFactory.instance.numberNode(builds.incrementAndGet()));
        JsonNode first = b.getOrBuild(CacheKinds.CONTEXT, "imm-1", () -> JsonNodeFactory.instance.numberNode(builds.incrementAndGet()));
        assertThat(first.asInt()).isEqualTo(1);
        // gone from Redis, b still answers from its own copy (one fetch and parse per process), and never builds
        linkA.sync().del("herald:sf:v:context:imm-1");
        JsonNode again = b.getOrBuild(CacheKinds.CONTEXT, "imm-1", () -> JsonNodeFactory.instance.numberNode(builds.incrementAndGet()));
        assertThat(again).isSameAs(first);
        assertThat(builds.get()).isEqualTo(1);
        // a mutable-kind instance (a) reads Redis every time: after the delete it builds again
        assertThat(a.getOrBuild(CacheKinds.CONTEXT, "imm-1", () -> JsonNodeFactory.instance.numberNode(builds.incrementAndGet())).asInt())
                .isEqualTo(2);
        // invalidation drops the local copy too
        b.invalidate(CacheKinds.CONTEXT, "imm-1");
        assertThat(b.getOrBuild(CacheKinds.CONTEXT, "imm-1", () -> JsonNodeFactory.instance.textNode("fresh")).asText()).isEqualTo("fresh");
    }

    /** 32 callers over two instances ask for one key; the builder takes {@code buildMillis}; returns how often it ran. */
    private static int buildCount(List<RedisSingleFlight> instances, String key, long buildMillis) throws InterruptedException {
        AtomicInteger builds = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (RedisSingleFlight sf : instances) {
            for (int i = 0; i < 16; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    sf.getOrBuild(CacheKinds.CONTEXT, key, () -> {
                        builds.incrementAndGet();
                        sleep(buildMillis);
                        return JsonNodeFactory.instance.textNode(key);
                    });
                }));
            }
        }
        go.countDown();
        for (Thread t : threads) t.join();
        return builds.get();
    }

    @Test
    void whenTheOwnerDiesAWaiterBuildsAfterTheLeaseExpires() {
        // A process took the lease and died before publishing: its lease is all that is left.
        String leaseKey = "herald:sf:l:context:fp-dead";
        assertThat(linkA.sync().set(leaseKey, "dead-owner", SetArgs.Builder.nx().px(400))).isEqualTo("OK");
        RedisSingleFlight b = flight(linkB, Duration.ofSeconds(30));
        AtomicInteger builds = new AtomicInteger();
        List<String> leaseAtBuild = new ArrayList<>();
        JsonNode v = b.getOrBuild(CacheKinds.CONTEXT, "fp-dead", () -> {
            builds.incrementAndGet();
            leaseAtBuild.add(linkA.sync().get(leaseKey));
            return JsonNodeFactory.instance.textNode("by-b");
        });
        assertThat(v.asText()).isEqualTo("by-b");
        assertThat(builds.get()).isEqualTo(1);
        assertThat(leaseAtBuild).hasSize(1).doesNotContain("dead-owner"); // it waited for the dead owner's lease to lapse
        assertThat(linkA.sync().get(leaseKey)).as("the builder released its lease").isNull();
    }

    @Test
    void aFailedBuildIsNotCachedAndTheNextCallerBuilds() {
        RedisSingleFlight a = flight(linkA, Duration.ofSeconds(30));
        RedisSingleFlight b = flight(linkB, Duration.ofSeconds(30));
        assertThatThrownBy(() -> a.getOrBuild(CacheKinds.CONTEXT, "fp-fail", () -> { throw new IllegalStateException("source down"); }))
                .hasMessage("source down");
        assertThat(linkA.sync().get("herald:sf:l:context:fp-fail")).as("lease released on failure").isNull();
        assertThat(b.getOrBuild(CacheKinds.CONTEXT, "fp-fail", () -> JsonNodeFactory.instance.numberNode(7)).asInt()).isEqualTo(7);
    }

    // SingleFlight.prepare across processes: what the context read-ahead relies on.

    @Test
    void acrossProcessesAPrepareBuildsOnceAndTheOtherProcessFetchesIt() {
        String kind = CacheKinds.CONTEXT, key = "prep-" + UUID.randomUUID();
        RedisSingleFlight a = keeping(linkA), b = keeping(linkB);
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
        RedisSingleFlight a = keeping(linkA), b = keeping(linkB);
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
