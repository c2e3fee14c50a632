package dev.herald.current;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Herald instances on one database, each with its own cache. Change-feed instances ({@code a}, {@code b}, the default):
 * a read right after a write through the same instance is current, and a write through the other instance is served
 * as soon as the change feed announced it, without asking the database while nothing changes. A strict instance
 * ({@code s}) is current right after a write anywhere, without waiting. Concurrent writers through both never lose an
 * update of an entry.
 */
@Tag("slow") // two Herald instances under concurrent writers, about 16 s
class CurrentIncidentsTwoInstancesTest {
    static Herald a, b, s;

    @BeforeAll
    static void start() {
        // a starved listener thread on a loaded CI machine must not turn the "no database round trip" assertions into
        // a timing test: the silence bound is exercised by killing the feed instead (withoutItsChangeFeed...)
        HeraldConfig config = TestPostgres.freshConfig(Map.of("current.feed-max-silence", "1h"));
        a = Herald.open(config);
        b = Herald.open(config);
        s = Herald.open(config.with(Map.of("current.consistency", "strict")));
    }

    @AfterAll
    static void stop() {
        s.close();
        b.close();
        a.close();
    }

    @Test
    void noInstanceServesStaleAfterAWrite() throws Exception {
        RandomWrites w;
        try (Connection c = a.db().dataSource().getConnection()) {
            w = new RandomWrites(c, RandomWrites.newOrganization(c, "two"), 7, 10);
        }
        awaitTrue(() -> a.currentIncidents().listening() && b.currentIncidents().listening());
        for (int round = 0; round < 300; round++) {
            Herald writer = round % 2 == 0 ? a : b;
            Herald other = writer == a ? b : a;
            // every cache warm before the write, so a stale snapshot would be there to serve
            served(a, w.org);
            served(b, w.org);
            served(s, w.org);
            w.apply(writer.db(), 1 + round % 3);
            Map<UUID, JsonNode> fresh = a.currentIncidents().recompute(w.org);
            // no waiting: the writer (its own write) and the strict instance (checks every read)
            assertThat(ViewModel.differences(fresh, served(writer, w.org))).as("writer, round %d", round).isEmpty();
            assertThat(ViewModel.differences(fresh, served(s, w.org))).as("strict instance, round %d", round).isEmpty();
            // the other change-feed instance: once the notification arrived, whatever it holds
            assertThat(other.currentIncidents().awaitAnnounced(w.org, Duration.ofSeconds(10))).isTrue();
            assertThat(ViewModel.differences(fresh, served(other, w.org))).as("other instance, round %d", round).isEmpty();
            for (UUID id : fresh.keySet()) {
                assertThat(other.currentIncidents().get(w.org, id)).isPresent();
            }
        }
    }

    @Test
    void changeFeedReadsAskTheDatabaseNothingWhileNothingChanges() throws Exception {
        RandomWrites w;
        try (Connection c = a.db().dataSource().getConnection()) {
            w = new RandomWrites(c, RandomWrites.newOrganization(c, "quiet"), 10, 5);
        }
        awaitTrue(() -> b.currentIncidents().listening());
        served(b, w.org);
        served(s, w.org);
        long feedBefore = versionChecks(b), strictBefore = versionChecks(s);
        for (int i = 0; i < 50; i++) {
            served(b, w.org);
            served(s, w.org);
        }
        assertThat(versionChecks(b) - feedBefore).as("change-feed version checks").isZero();
        assertThat(versionChecks(s) - strictBefore).as("strict version checks").isEqualTo(50);
        // a write through b itself: its next read checks once, then reads are from memory again
        w.apply(b.db(), 1);
        served(b, w.org);
        served(b, w.org);
        assertThat(versionChecks(b) - feedBefore).isEqualTo(1);
    }

    @Test
    void aFeedSilentLongerThanItsBoundMakesEveryReadCheck() throws Exception {
        UUID org;
        try (Connection c = a.db().dataSource().getConnection()) {
            org = new RandomWrites(c, RandomWrites.newOrganization(c, "silent"), 12, 3).org;
        }
        long[] confirmedAt = {System.nanoTime()};
        CurrentIncidentsCache.Feed feed = new CurrentIncidentsCache.Feed() {
            @Override public boolean listening() { return true; }
            @Override public long confirmedAt() { return confirmedAt[0]; }
            @Override public long generation() { return 1; }
        };
        CurrentIncidentsCache cache = new CurrentIncidentsCache(new CurrentIncidentsStore(a.db()), 1000, Duration.ofMinutes(1),
                false, feed, () -> 0L, Duration.ofSeconds(1));
        assertThat(cache.current(org)).isPresent(); // first read loads (one check)
        long before = versionChecks(a);
        for (int i = 0; i < 5; i++) assertThat(cache.current(org)).isPresent();
        assertThat(versionChecks(a) - before).as("confirmed feed: from memory").isZero();
        confirmedAt[0] = System.nanoTime() - Duration.ofSeconds(5).toNanos(); // silent for longer than the bound
        for (int i = 0; i < 5; i++) assertThat(cache.current(org)).isPresent();
        assertThat(versionChecks(a) - before).as("silent feed: every read checks").isEqualTo(5);
    }

    @Test
    void withoutItsChangeFeedAnInstanceChecksEveryRead() throws Exception {
        try (Herald lonely = Herald.open(a.config().with(Map.of("current.listen-reconnect-delay", "5m")))) {
            RandomWrites w;
            try (Connection c = a.db().dataSource().getConnection()) {
                w = new RandomWrites(c, RandomWrites.newOrganization(c, "lonely"), 11, 5);
            }
            awaitTrue(() -> lonely.currentIncidents().listening());
            served(lonely, w.org);
            try (Connection c = a.db().dataSource().getConnection(); var st = c.createStatement()) {
                st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        + "WHERE application_name = 'herald-listen-current_incidents' AND datname = current_database()");
            }
            awaitTrue(() -> !lonely.currentIncidents().listening());
            for (int round = 0; round < 20; round++) {
                served(lonely, w.org);
                w.apply(a.db(), 2); // another process's write; lonely hears nothing
                Map<UUID, JsonNode> fresh = a.currentIncidents().recompute(w.org);
                assertThat(ViewModel.differences(fresh, served(lonely, w.org))).as("round %d", round).isEmpty();
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
    void theListenerReconnectsAfterItsConnectionIsKilledAndHintsFlowAgain() throws Exception {
        RandomWrites w;
        try (Connection c = a.db().dataSource().getConnection()) {
            w = new RandomWrites(c, RandomWrites.newOrganization(c, "reconnect"), 9, 4);
        }
        awaitTrue(() -> b.currentIncidents().listening());
        served(b, w.org);
        assertThat(b.currentIncidents().cachedVersion(w.org)).isPositive();
        try (Connection c = a.db().dataSource().getConnection(); var st = c.createStatement()) {
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    + "WHERE application_name = 'herald-listen-current_incidents' AND datname = current_database()");
        }
        // on reconnect the listener drops the snapshots (hints sent while it was away are lost)
        awaitTrue(() -> b.currentIncidents().cachedVersion(w.org) == -1 && b.currentIncidents().listening());
        assertThat(ViewModel.differences(a.currentIncidents().recompute(w.org), served(b, w.org))).isEmpty();
        long before = b.currentIncidents().cachedVersion(w.org);
        try (Connection c = a.db().dataSource().getConnection()) {
            RandomWrites.sql(c, "UPDATE incidents SET title = 'after reconnect' WHERE organization_id = ?", w.org);
        }
        awaitTrue(() -> b.currentIncidents().cachedVersion(w.org) > before);
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

    /** How many view-version checks (database round trips) an instance made. */
    static long versionChecks(Herald h) {
        return h.metrics().registry().find("herald.db.query").tag("query", "CurrentIncidents.VERSION").timers()
                .stream().mapToLong(t -> t.count()).sum();
    }

    static Map<UUID, JsonNode> served(Herald h, UUID org) {
        Map<UUID, JsonNode> m = new HashMap<>();
        h.currentIncidents().all(org).orElseThrow().forEach(ci -> m.put(ci.incidentId(), ci.entry()));
        return m;
    }

    static void awaitTrue(java.util.function.BooleanSupplier condition) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(condition::getAsBoolean);
    }
}
