package dev.herald.incidents;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.Herald;
import dev.herald.config.HeraldConfig;
import dev.herald.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two Herald instances on one database, each with its own cache: a read in one right after a write committed through
 * the other is never stale (no waiting for the notification), and concurrent writers through both never lose an
 * update of an entry.
 */
class CurrentIncidentsTwoInstancesTest {
    static Herald a, b;

    @BeforeAll
    static void start() {
        HeraldConfig config = TestPostgres.freshConfig();
        a = Herald.open(config);
        b = Herald.open(config);
    }

    @AfterAll
    static void stop() {
        b.close();
        a.close();
    }

    @Test
    void neitherInstanceServesStaleAfterTheOtherWrites() throws Exception {
        RandomWrites w;
        try (Connection c = a.db().dataSource().getConnection()) {
            w = new RandomWrites(c, RandomWrites.newOrganization(c, "two"), 7, 10);
        }
        for (int round = 0; round < 300; round++) {
            Herald writer = round % 2 == 0 ? a : b;
            // both caches warm before the write, so a stale snapshot would be there to serve
            served(a, w.org);
            served(b, w.org);
            w.apply(writer.db().dataSource(), 1 + round % 3);
            Map<UUID, JsonNode> fresh = a.currentIncidents().recompute(w.org);
            assertThat(ViewModel.differences(fresh, served(a, w.org))).as("instance a, round %d", round).isEmpty();
            assertThat(ViewModel.differences(fresh, served(b, w.org))).as("instance b, round %d", round).isEmpty();
            for (UUID id : fresh.keySet()) {
                assertThat(b.currentIncidents().get(w.org, id)).isPresent();
            }
        }
    }

    @Test
    void theOtherInstanceCatchesUpFromTheNotificationWithoutBeingAsked() throws Exception {
        RandomWrites w;
        try (Connection c = a.db().dataSource().getConnection()) {
            w = new RandomWrites(c, RandomWrites.newOrganization(c, "hint"), 8, 5);
        }
        awaitTrue(() -> a.currentIncidents().listening() && b.currentIncidents().listening());
        served(b, w.org);
        long before = b.currentIncidents().cachedVersion(w.org);
        try (Connection c = a.db().dataSource().getConnection()) {
            RandomWrites.sql(c, "UPDATE incidents SET title = 'hinted', version = version + 1 WHERE organization_id = ?", w.org);
        }
        awaitTrue(() -> b.currentIncidents().cachedVersion(w.org) > before);
        assertThat(ViewModel.differences(a.currentIncidents().recompute(w.org), served(b, w.org))).isEmpty();
    }

    @Test
    void concurrentWritersThroughBothInstancesLoseNoUpdate() throws Exception {
        UUID org;
        List<RandomWrites> writers = new ArrayList<>();
        try (Connection c = a.db().dataSource().getConnection()) {
            org = RandomWrites.newOrganization(c, "concurrent");
            for (int i = 0; i < 4; i++) writers.add(new RandomWrites(c, org, 100 + i, 6));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> done = new ArrayList<>();
            for (int i = 0; i < writers.size(); i++) {
                RandomWrites w = writers.get(i);
                Herald via = i % 2 == 0 ? a : b;
                done.add(pool.submit((Callable<Long>) () -> {
                    long retried = 0;
                    while (w.writes() < 300) {
                        try {
                            w.apply(via.db().dataSource(), 5);
                        } catch (SQLException e) {
                            if (!"40P01".equals(e.getSQLState()) && !"55P03".equals(e.getSQLState())) throw e;
                            retried++; // deadlock or lock timeout: the transaction rolled back whole
                        }
                    }
                    return retried;
                }));
            }
            for (Future<Long> f : done) f.get();
        } finally {
            pool.shutdown();
        }
        Map<UUID, JsonNode> fresh = a.currentIncidents().recompute(org);
        try (Connection c = a.db().dataSource().getConnection()) {
            assertThat(ViewModel.differences(ViewModel.expected(c, org), fresh)).isEmpty();
        }
        assertThat(ViewModel.differences(fresh, served(a, org))).isEmpty();
        assertThat(ViewModel.differences(fresh, served(b, org))).isEmpty();
        assertThat(a.currentIncidents().rebuild().run(org, 5).differences()).as("stored view after concurrent writes").isZero();
    }

    static Map<UUID, JsonNode> served(Herald h, UUID org) {
        Map<UUID, JsonNode> m = new HashMap<>();
        h.currentIncidents().all(org).orElseThrow().forEach(ci -> m.put(ci.incidentId(), ci.entry()));
        return m;
    }

    static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
