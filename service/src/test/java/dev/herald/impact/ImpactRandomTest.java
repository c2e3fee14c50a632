package dev.herald.impact;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.herald.json.Json;
import dev.herald.testing.TestApp;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The impact proof: long random sequences of every kind of write that can change impact, applied by the applier
 * running concurrently (at whatever points it is woken); after each batch and a final apply the stored
 * impact state equals a brute-force search from every open incident ({@link ImpactModel#expected}), and replaying the
 * emitted impact_events in order at a model receiver reproduces exactly that state, with sequences contiguous per
 * subject (none missing, none repeated) and no event that says nothing new. Every event's data validates against the
 * catalog's JSON Schema for its type. 4 slow cases x 2,600 writes + one fast case of 250 = 10,650 random writes.
 */
class ImpactRandomTest {
    static final int BATCH = 25;
    static TestApp app;
    static final Map<String, Schema> SCHEMAS = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        app = new TestApp();
        // the applier runs concurrently with the writers, as in a service: applies interleave with writes at random
        // points, and check() applies the rest before comparing
        app.herald.impact().startApplier();
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        for (String t : List.of("impact.started", "impact.updated", "impact.ended", "impact.cleared")) {
            try (InputStream in = ImpactRandomTest.class.getResourceAsStream("/dev/herald/events/catalog/" + t + ".json")) {
                JsonNode entry = Json.mapper().readTree(in);
                assertThat(entry.path("type").asText()).isEqualTo(t);
                Schema schema = registry.getSchema(entry.get("schema"));
                assertThat(schema.validate(entry.get("example"))).as("example of %s", t).isEmpty();
                SCHEMAS.put(t, schema);
            }
        }
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void fastCase() throws Exception {
        run(99, 250);
    }

    @Tag("slow") // 2,600 random writes each, checked against a brute-force search and a replaying receiver
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void storedStateAndReplayEqualBruteForce(long seed) throws Exception {
        run(seed, 2_600);
    }

    /**
     * Two writers on one organization at once, on their own connections (as two processes would), and the applier
     * applying their recorded changes meanwhile: the state still equals the brute force and the log, read in id order,
     * still replays to it with contiguous sequences.
     */
    @Tag("slow") // 2 x 800 concurrent random writes
    @Test
    void concurrentWritersOnOneOrganization() throws Exception {
        DataSource ds = app.herald.db().dataSource();
        ImpactWrites a, b;
        try (Connection c = ds.getConnection()) {
            UUID org = ImpactWrites.newOrganization(c, "concurrent");
            a = new ImpactWrites(c, org, 7, 8);
            b = new ImpactWrites(c, org, 8, 8);
        }
        // one statement per transaction: two multi-statement transactions that lock rows of the same organization in
        // different orders deadlock on those rows and the current-incidents counter (its statement trigger locks the
        // counter after the statement's rows), with or without impact, which always locks after that counter
        a.multiStatement = false;
        b.multiStatement = false;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var fa = pool.submit(() -> { a.apply(ds, 800); return null; });
            var fb = pool.submit(() -> { b.apply(ds, 800); return null; });
            fa.get();
            fb.get();
        } finally {
            pool.shutdown();
        }
        try (Connection c = ds.getConnection()) {
            ImpactModel.Receiver receiver = new ImpactModel.Receiver();
            check(c, a.org, receiver, a.writes() + b.writes());
            assertThat(receiver.events).isGreaterThan(100);
            assertThat(rebuild(c, a.org)).isZero();
        }
    }

    static void run(long seed, int writes) throws Exception {
        DataSource ds = app.herald.db().dataSource();
        ImpactWrites main, other;
        try (Connection c = ds.getConnection()) {
            main = new ImpactWrites(c, ImpactWrites.newOrganization(c, "impact " + seed), seed, 10);
            other = new ImpactWrites(c, ImpactWrites.newOrganization(c, "bystander " + seed), seed * 1000, 4);
        }
        ImpactModel.Receiver receiver = new ImpactModel.Receiver();
        int batches = 0;
        while (main.writes() < writes) {
            main.apply(ds, BATCH);
            if (batches++ % 5 == 0) other.apply(ds, 5);
            try (Connection c = ds.getConnection()) {
                check(c, main.org, receiver, main.writes());
            }
        }
        try (Connection c = ds.getConnection()) {
            assertThat(rebuild(c, main.org)).as("rebuild finds nothing to repair").isZero();
            assertThat(rebuild(c, other.org)).as("rebuild of the bystander finds nothing to repair").isZero();
            ImpactModel.Receiver bystander = new ImpactModel.Receiver();
            check(c, other.org, bystander, other.writes());
        }
        assertThat(receiver.byType).as("every kind of event happened").containsKeys("impact.started", "impact.updated", "impact.ended", "impact.cleared");
    }

    static void check(Connection c, UUID org, ImpactModel.Receiver receiver, long writes) throws SQLException {
        app.herald.impact().applyPending();
        ImpactModel.State expected = ImpactModel.expected(c, org);
        assertThat(ImpactModel.stored(c, org).pairs()).as("stored pairs after %d writes", writes).isEqualTo(expected.pairs());
        assertThat(ImpactModel.stored(c, org).restoration()).as("stored restorations after %d writes", writes).isEqualTo(expected.restoration());
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, type, data::text, organization_id FROM impact_events WHERE organization_id = ? AND id > ? ORDER BY id")) {
            ps.setObject(1, org);
            ps.setLong(2, receiver.lastId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    receiver.lastId = rs.getLong(1);
                    JsonNode data;
                    try {
                        data = Json.mapper().readTree(rs.getString(3));
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new IllegalStateException(e);
                    }
                    assertThat(SCHEMAS.get(rs.getString(2)).validate(data)).as("%s %s", rs.getString(2), data).isEmpty();
                    receiver.apply(rs.getString(2), data);
                }
            }
        }
        ImpactModel.State replayed = receiver.state();
        assertThat(replayed.pairs()).as("replayed pairs after %d writes", writes).isEqualTo(expected.pairs());
        assertThat(replayed.restoration()).as("replayed restorations after %d writes", writes).isEqualTo(expected.restoration());
    }

    static int rebuild(Connection c, UUID org) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT impact_rebuild(?)")) {
            ps.setObject(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
