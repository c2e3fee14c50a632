package dev.herald.workload;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.infra.Database;
import dev.herald.json.Json;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Loads the deterministic reference workload (see {@link WorkloadGenerator}) into the database through COPY, in one
 * transaction: either all of it is there or none of it. User triggers (the write-through of derived state and the
 * notification outbox) are disabled for the load inside that transaction, so seeding never queues notifications; what
 * they would have maintained is then rebuilt once: the organization's graph version and its current-incidents view.
 * Thread-safe: concurrent loads serialize on an advisory lock.
 */
public final class Workload {
    private static final long ADVISORY_LOCK = 0x4845_5241_4C44L; // "HERALD"
    private static final String FIND = """
            SELECT id, settings->'workload' FROM organizations
             WHERE settings->'workload'->>'profile' = ? AND (settings->'workload'->>'seed')::bigint = ?""";
    private static final String ANY_ORGANIZATION = "SELECT EXISTS (SELECT 1 FROM organizations)";
    private static final String[] TRIGGERED_TABLES = {"locations", "asset_types", "assets", "incidents", "outages",
            "internet_outages", "intel_requests", "dependencies"};

    private Workload() {}

    /** Loads a workload into an empty database; fails (writing nothing) when the database already holds organizations. */
    public static SeedSummary seed(Database db, SeedSettings settings, Profile profile, long seed, Consumer<String> progress) {
        return load(db, settings, profile, seed, progress, true);
    }

    /** The workload of this profile and seed, loading it first when it is not in the database (other data may exist). */
    public static SeedSummary ensureLoaded(Database db, SeedSettings settings, Profile profile, long seed, Consumer<String> progress) {
        return find(db, profile, seed).orElseGet(() -> load(db, settings, profile, seed, progress, false));
    }

    /** The summary of an already loaded workload, if any. */
    public static Optional<SeedSummary> find(Database db, Profile profile, long seed) {
        return db.read("Workload.FIND", c -> findIn(c, profile, seed));
    }

    private static SeedSummary load(Database db, SeedSettings settings, Profile profile, long seed, Consumer<String> progress,
                                    boolean requireEmpty) {
        long start = System.nanoTime();
        progress.accept("generating the " + profile.wire() + " workload (seed " + seed + ")");
        WorkloadGenerator g = new WorkloadGenerator(profile, seed);
        g.generate();
        Duration timeout = settings.statementTimeout();
        return db.transaction("Workload.LOAD", timeout, c -> {
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(" + ADVISORY_LOCK + ")");
            }
            if (requireEmpty && exists(c, ANY_ORGANIZATION)) {
                throw new IllegalStateException("the database is not empty (it already holds organizations); seed into a new "
                        + "--data-dir or an empty --database-url");
            }
            Optional<SeedSummary> already = requireEmpty ? Optional.empty() : findIn(c, profile, seed);
            if (already.isPresent()) return already.get();
            setUserTriggers(c, false);
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            Map<String, Long> counts = new LinkedHashMap<>();
            for (CsvTable t : g.tablesInLoadOrder()) {
                progress.accept(String.format("loading %-17s %,9d rows", t.table, t.rows()));
                try {
                    copy.copyIn(t.copySql(), new StringReader(t.csv()));
                } catch (java.io.IOException e) {
                    throw new SQLException("COPY " + t.table + " failed: " + e.getMessage(), e);
                }
                counts.put(t.table, t.rows());
            }
            setUserTriggers(c, true);
            progress.accept("analyzing"); // before the rebuild: fresh statistics give it index plans, not scans per incident
            try (Statement st = c.createStatement()) {
                for (CsvTable t : g.tablesInLoadOrder()) st.execute("ANALYZE " + t.table);
            }
            // Derived state that the disabled triggers would have maintained: the graph version, the current-incidents view
            // and the impact state (stored without events: a new organization has told nobody anything yet).
            progress.accept("building the current-incidents view and the impact state");
            try (PreparedStatement ps = c.prepareStatement("SELECT graph_bump(ARRAY[?]::uuid[]), current_incidents_rebuild(?), impact_rebuild(?, false)")) {
                ps.setObject(1, g.organizationId);
                ps.setObject(2, g.organizationId);
                ps.setObject(3, g.organizationId);
                ps.execute();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            SeedSummary summary = new SeedSummary(g.organizationId, profile.wire(), seed, counts, g.liveEdges, g.deletedEdges,
                    g.maxChainDepth, g.diamonds(), g.cycleEdges, Math.round(seconds * 100) / 100.0);
            ObjectNode wl = Json.mapper().createObjectNode();
            wl.put("profile", profile.wire());
            wl.put("seed", seed);
            wl.set("summary", Json.mapper().valueToTree(summary));
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE organizations SET settings = jsonb_set(settings, '{workload}', ?::jsonb) WHERE id = ?")) {
                ps.setString(1, wl.toString());
                ps.setObject(2, g.organizationId);
                ps.executeUpdate();
            }
            return summary;
        });
    }

    private static Optional<SeedSummary> findIn(Connection c, Profile profile, long seed) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FIND)) {
            ps.setString(1, profile.wire());
            ps.setLong(2, seed);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                var node = Json.readStored(rs.getString(2), "workload summary");
                return node.has("summary") ? Optional.of(Json.mapper().treeToValue(node.get("summary"), SeedSummary.class)) : Optional.empty();
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new SQLException("stored workload summary is unreadable", e);
            }
        }
    }

    /** Disables or re-enables user triggers inside the load transaction (other sessions never see them disabled). */
    private static void setUserTriggers(Connection c, boolean enabled) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String t : TRIGGERED_TABLES) {
                st.execute("ALTER TABLE " + t + (enabled ? " ENABLE" : " DISABLE") + " TRIGGER USER");
            }
        }
    }

    private static boolean exists(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}
