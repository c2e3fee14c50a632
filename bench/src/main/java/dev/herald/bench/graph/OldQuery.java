package dev.herald.bench.graph;

import dev.herald.graph.Direction;
import dev.herald.graph.NodeRef;
import dev.herald.graph.RecordType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The baseline: the old production query, verbatim from the reference document (models.py lines 219-272, in
 * {@code old-recursive-query.sql}) with its {@code {upstream...}} placeholders filled for a direction, run unbounded and
 * once per root as production did, against {@code dependencies.dependencies} laid out as in the reference DDL (its
 * columns and its six indexes). The burst's old-design consumer runs the same query over the same table.
 */
public final class OldQuery {
    static final String TEMPLATE_RESOURCE = "/dev/herald/bench/graph/old-recursive-query.sql";

    /** What one run returned: rows (one per path) and the distinct nodes with their minimum distance, root excluded. */
    record Result(long rows, Map<NodeRef, Integer> nodes, double millis) {}

    static String template() {
        try (InputStream in = OldQuery.class.getResourceAsStream(TEMPLATE_RESOURCE)) {
            if (in == null) throw new IllegalStateException("missing resource " + TEMPLATE_RESOURCE);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The query for {@code dir}: upstream is the side the walk starts from (blocker for dependents). */
    public static String sql(Direction dir) {
        String up = dir == Direction.DEPENDENTS ? "blocker" : "dependent";
        String down = dir == Direction.DEPENDENTS ? "dependent" : "blocker";
        return template().replace("{upstream_id_field}", "d." + up + "_id").replace("{upstream_type_field}", "d." + up + "_type")
                .replace("{upstream_id}", up + "_id").replace("{upstream_type}", up + "_type")
                .replace("{downstream_id}", down + "_id").replace("{downstream_type}", down + "_type")
                .replace("%(root_dependency_id)s", "?").replace("%(root_dependency_type)s", "?")
                .replace("ROW(...)", "ROW(d.dependent_type, d.dependent_id, d.blocker_type, d.blocker_id)");
    }

    /** (Re)creates dependencies.dependencies from Herald's edges of {@code org} (live and soft-deleted) with the six reference indexes. */
    public static long createOldTable(Connection c, UUID org) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET statement_timeout = 0");
            st.execute("CREATE SCHEMA IF NOT EXISTS dependencies");
            st.execute("DROP TABLE IF EXISTS dependencies.dependencies");
            st.execute("""
                    CREATE TABLE dependencies.dependencies (
                        dependent_type text NOT NULL, dependent_id uuid NOT NULL,
                        blocker_type text NOT NULL, blocker_id uuid NOT NULL,
                        created timestamptz NOT NULL DEFAULT now(), deleted timestamptz)""");
        }
        long n;
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO dependencies.dependencies (dependent_type, dependent_id, blocker_type, blocker_id, created, deleted)
                SELECT dependent_type, dependent_id, blocker_type, blocker_id, created, deleted
                FROM public.dependencies WHERE organization_id = ?""")) {
            ps.setObject(1, org);
            n = ps.executeUpdate();
        }
        try (Statement st = c.createStatement()) {
            st.execute("CREATE INDEX dependencies_dependent_type_idx ON dependencies.dependencies USING btree(dependent_type)");
            st.execute("CREATE INDEX dependencies_blocker_type_idx ON dependencies.dependencies USING btree(blocker_type)");
            st.execute("CREATE INDEX dependencies_dependent_id_idx ON dependencies.dependencies USING btree(dependent_id)");
            st.execute("CREATE INDEX dependencies_blocker_id_idx ON dependencies.dependencies USING btree(blocker_id)");
            st.execute("CREATE INDEX dep_blocker_live_idx ON dependencies.dependencies(blocker_type, blocker_id) WHERE deleted IS NULL");
            st.execute("CREATE INDEX dep_dependent_live_idx ON dependencies.dependencies(dependent_type, dependent_id) WHERE deleted IS NULL");
            st.execute("VACUUM ANALYZE dependencies.dependencies");
            st.execute("RESET statement_timeout");
        }
        return n;
    }

    /**
     * Runs the old query for one root in its own transaction with {@code timeout} as statement timeout, fetching every
     * row as the old service did; the time covers execution and fetching.
     */
    static Result run(Connection c, String sql, NodeRef root, Direction dir, Duration timeout) throws SQLException {
        boolean dependents = dir == Direction.DEPENDENTS;
        Map<NodeRef, Integer> nodes = new HashMap<>();
        long rows;
        java.util.ArrayList<String> types = new java.util.ArrayList<>();
        java.util.ArrayList<UUID> ids = new java.util.ArrayList<>();
        java.util.ArrayList<Integer> dists = new java.util.ArrayList<>();
        c.setAutoCommit(false);
        try {
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL statement_timeout = " + timeout.toMillis());
            }
            long t0 = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setFetchSize(50_000);
                ps.setObject(1, root.id());
                ps.setString(2, root.type().wire());
                try (ResultSet rs = ps.executeQuery()) {
                    int typeCol = rs.findColumn(dependents ? "dependent_type" : "blocker_type");
                    int idCol = rs.findColumn(dependents ? "dependent_id" : "blocker_id");
                    int distCol = rs.findColumn("dependency_distance");
                    while (rs.next()) { // fetch only; reduce after the clock stops
                        types.add(rs.getString(typeCol));
                        ids.add(rs.getObject(idCol, UUID.class));
                        dists.add(rs.getInt(distCol));
                    }
                }
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            rows = ids.size();
            for (int i = 0; i < rows; i++) {
                nodes.merge(new NodeRef(RecordType.parse(types.get(i)), ids.get(i)), dists.get(i), Math::min);
            }
            c.commit();
            nodes.remove(root);
            return new Result(rows, nodes, ms);
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }
}
