package dev.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestApp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Idempotency-Key on POST and PATCH, against the real server and database. */
class IdempotencyTest {
    static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start(Map.of());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static TestApp.Response post(String path, String key, Object body, String idem) {
        return app.call("POST", path, key, body, Map.of(Idempotency.HEADER, idem));
    }

    long locations(UUID org) {
        return app.herald.db().read("Test.COUNT", c -> {
            try (var ps = c.prepareStatement("SELECT count(*) FROM locations WHERE organization_id = ?")) {
                ps.setObject(1, org);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @Test
    void twentyConcurrentIdenticalRequestsCreateOneRecordAndAllAnswerIt() throws Exception {
        UUID org = app.herald.organizations().create("Idem " + UUID.randomUUID(), null, false, null).id();
        String key = app.herald.keys().create(org, "t").secret();
        Map<String, Object> body = Map.of("lat", 52.5, "lon", 13.4, "locality", "Berlin");
        String idem = "feed-" + UUID.randomUUID();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<TestApp.Response>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(pool.submit(() -> {
                go.await();
                return post("/locations", key, body, idem);
            }));
        }
        go.countDown();
        List<String> ids = new ArrayList<>();
        for (Future<TestApp.Response> f : answers) {
            TestApp.Response r = f.get();
            assertThat(r.status()).as(r.raw()).isEqualTo(201);
            ids.add(r.body().get("id").asText());
        }
        pool.shutdown();
        assertThat(ids).as("every answer is the first one").containsOnly(ids.get(0));
        assertThat(locations(org)).isEqualTo(1);
        assertThat(post("/locations", key, body, idem).body().get("id").asText()).as("a later repeat").isEqualTo(ids.get(0));
        assertThat(locations(org)).isEqualTo(1);
    }

    @Test
    void theSameKeyWithAnotherRequestIsRefusedAndChangesNothing() {
        UUID org = app.herald.organizations().create("Idem " + UUID.randomUUID(), null, false, null).id();
        String key = app.herald.keys().create(org, "t").secret();
        String idem = "k-" + UUID.randomUUID();
        assertThat(post("/locations", key, Map.of("lat", 1.0, "lon", 2.0), idem).status()).isEqualTo(201);
        var other = post("/locations", key, Map.of("lat", 3.0, "lon", 4.0), idem);
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.body().at("/error/message").asText()).contains("Idempotency-Key").contains("different request");
        assertThat(locations(org)).isEqualTo(1);
    }

    @Test
    void keysAreBoundedPerOrganizationAndAFailedFirstRequestLeavesTheKeyFree() {
        UUID org = app.herald.organizations().create("Idem " + UUID.randomUUID(), null, false, null).id();
        String key = app.herald.keys().create(org, "t").secret();
        var tooLong = post("/locations", key, Map.of("lat", 1.0, "lon", 2.0), "x".repeat(256));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.body().at("/error/message").asText()).contains("Idempotency-Key");
        assertThat(locations(org)).as("nothing written").isZero();

        String idem = "shared-" + UUID.randomUUID();
        var bad = post("/locations", key, Map.of("lat", 100.0, "lon", 2.0), idem);
        assertThat(bad.status()).isEqualTo(422);
        assertThat(post("/locations", key, Map.of("lat", 1.0, "lon", 2.0), idem).status()).as("the corrected retry runs").isEqualTo(201);

        UUID other = app.herald.organizations().create("Idem other " + UUID.randomUUID(), null, false, null).id();
        String otherKey = app.herald.keys().create(other, "t").secret();
        assertThat(post("/locations", otherKey, Map.of("lat", 9.0, "lon", 9.0), idem).status()).as("keys are per organization").isEqualTo(201);
        assertThat(locations(other)).isEqualTo(1);
    }
}
