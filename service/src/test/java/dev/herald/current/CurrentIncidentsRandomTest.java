package dev.herald.current;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testing.TestApp;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The consistency proof: long random sequences of writes of every kind, and after each batch of 50 the SERVED view
 * (through the cache and lookup; every few batches through HTTP too) must equal a fresh recompute from the source
 * tables entry by entry; the recompute must equal the independent Java model ({@link ViewModel}); and the stored
 * view must repair nothing. 4 cases x 2,600 writes = 10,400 random writes.
 */
@Tag("slow") // randomized writes checked against a model, about 60 s
class CurrentIncidentsRandomTest {
    static final int WRITES_PER_CASE = 2_600;
    static final int BATCH = 50;
    static TestApp app;

    @BeforeAll
    static void start() {
        app = new TestApp();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void servedViewEqualsRecomputeAfterEveryBatch(long seed) throws Exception {
        CurrentIncidents view = app.herald.currentIncidents();
        var ds = app.herald.db().dataSource();
        RandomWrites main, other;
        try (Connection c = ds.getConnection()) {
            main = new RandomWrites(c, RandomWrites.newOrganization(c, "random " + seed), seed, 12);
            other = new RandomWrites(c, RandomWrites.newOrganization(c, "bystander " + seed), seed * 1000, 4);
        }
        String key = app.herald.keys().create(main.org, "random test").secret();
        int batches = 0;
        // odd seeds write through this instance's Database (read-your-writes: the next read checks the version);
        // even seeds write on raw connections, as another process would, and read once the change feed announced it
        boolean local = seed % 2 == 1;
        while (main.writes() < WRITES_PER_CASE) {
            if (local) main.apply(app.herald.db(), BATCH); else main.apply(ds, BATCH);
            if (batches % 5 == 0) other.apply(ds, 5);
            batches++;
            if (!local) assertThat(view.awaitAnnounced(main.org, Duration.ofSeconds(10))).as("change feed announced the writes").isTrue();
            Map<UUID, JsonNode> fresh = view.recompute(main.org);
            // served through the cache: the whole organization, and each entry through the lookup
            Map<UUID, JsonNode> served = new HashMap<>();
            view.all(main.org).orElseThrow().forEach(ci -> served.put(ci.incidentId(), ci.entry()));
            assertThat(ViewModel.differences(fresh, served)).as("served vs recompute after %d writes", main.writes()).isEmpty();
            for (UUID id : fresh.keySet().stream().limit(5).toList()) {
                assertThat(view.get(main.org, id)).as("lookup %s", id).isPresent()
                        .hasValueSatisfying(ci -> assertThat(ViewModel.same(fresh.get(id), ci.entry())).isTrue());
            }
            try (Connection c = ds.getConnection()) {
                assertThat(ViewModel.differences(ViewModel.expected(c, main.org), fresh))
                        .as("recompute vs Java model after %d writes", main.writes()).isEmpty();
            }
            if (batches % 4 == 0) {
                assertThat(ViewModel.differences(fresh, servedOverHttp(main.org, key))).as("HTTP after %d writes", main.writes()).isEmpty();
            }
            if (batches % 10 == 0) {
                assertThat(view.rebuild().run(main.org, 3).differences()).as("stored view repairs").isZero();
            }
        }
        assertThat(view.rebuild().run(main.org, 3).differences()).isZero();
        assertThat(view.rebuild().run(other.org, 3).differences()).isZero();
        assertThat(main.writes()).isGreaterThanOrEqualTo(WRITES_PER_CASE);
    }

    /** The whole view through GET /incidents/current in pages of 7, plus single reads of the first few. */
    static Map<UUID, JsonNode> servedOverHttp(UUID org, String key) throws SQLException {
        Map<UUID, JsonNode> out = new LinkedHashMap<>();
        String cursor = null;
        do {
            var r = app.get("/incidents/current?organization_id=" + org + "&limit=7" + (cursor == null ? "" : "&cursor=" + cursor), key);
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            for (JsonNode item : r.body().get("items")) out.put(UUID.fromString(item.path("incident").path("id").asText()), item);
            cursor = r.body().path("has_more").asBoolean() ? r.body().path("next_cursor").asText() : null;
        } while (cursor != null);
        for (UUID id : List.copyOf(out.keySet()).subList(0, Math.min(3, out.size()))) {
            var r = app.get("/incidents/current/" + id, key);
            assertThat(r.status()).isEqualTo(200);
            assertThat(ViewModel.same(out.get(id), r.body())).isTrue();
        }
        return out;
    }
}
