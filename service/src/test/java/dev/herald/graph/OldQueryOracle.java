package dev.herald.graph;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The old production query (path-enumerating recursive CTE, verbatim from the reference document; the same file the
 * benchmark runs) over a copy of the edges laid out as in the reference DDL, reduced to distinct nodes with their minimum
 * {@code dependency_distance}. The root itself is left out (the old query returns it again when a cycle leads back).
 */
final class OldQueryOracle {
    static final Path TEMPLATE = Path.of("../bench/src/main/resources/dev/herald/bench/graph/old-recursive-query.sql");

    static String sql(Direction dir) {
        String t;
        try {
            t = Files.readString(TEMPLATE);
        } catch (IOException e) {
            throw new UncheckedIOException("the old query template is read from the bench module: " + TEMPLATE.toAbsolutePath(), e);
        }
        String up = dir == Direction.DEPENDENTS ? "blocker" : "dependent";
        String down = dir == Direction.DEPENDENTS ? "dependent" : "blocker";
        return t.replace("{upstream_id_field}", "d." + up + "_id").replace("{upstream_type_field}", "d." + up + "_type")
                .replace("{upstream_id}", up + "_id").replace("{upstream_type}", up + "_type")
                .replace("{downstream_id}", down + "_id").replace("{downstream_type}", down + "_type")
                .replace("%(root_dependency_id)s", "?").replace("%(root_dependency_type)s", "?")
                .replace("ROW(...)", "ROW(d.dependent_type, d.dependent_id, d.blocker_type, d.blocker_id)");
    }

    /** Creates dependencies.dependencies (reference columns and its six indexes) from Herald's edges of {@code org}. */
    static void createOldTable(Connection c, UUID org) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS dependencies");
            st.execute("DROP TABLE IF EXISTS dependencies.dependencies");
            st.execute("""
                    CREATE TABLE dependencies.dependencies (dependent_type text NOT NULL, dependent_id uuid NOT NULL,
                        blocker_type text NOT NULL, blocker_id uuid NOT NULL, created timestamptz NOT NULL, deleted timestamptz)""");
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO dependencies.dependencies SELECT dependent_type, dependent_id, blocker_type, blocker_id, created, deleted
                FROM public.dependencies WHERE organization_id = ?""")) {
            ps.setObject(1, org);
            ps.executeUpdate();
        }
        try (Statement st = c.createStatement()) {
            st.execute("CREATE INDEX dependencies_dependent_type_idx ON dependencies.dependencies USING btree(dependent_type)");
            st.execute("CREATE INDEX dependencies_blocker_type_idx ON dependencies.dependencies USING btree(blocker_type)");
            st.execute("CREATE INDEX dependencies_dependent_id_idx ON dependencies.dependencies USING btree(dependent_id)");
            st.execute("CREATE INDEX dependencies_blocker_id_idx ON dependencies.dependencies USING btree(blocker_id)");
            st.execute("CREATE INDEX dep_blocker_live_idx ON dependencies.dependencies(blocker_type, blocker_id) WHERE deleted IS NULL");
            st.execute("CREATE INDEX dep_dependent_live_idx ON dependencies.dependencies(dependent_type, dependent_id) WHERE deleted IS NULL");
            st.execute("ANALYZE dependencies.dependencies");
        }
    }

    static Map<NodeRef, Integer> run(Connection c, NodeRef root, Direction dir) throws SQLException {
        Map<NodeRef, Integer> out = new HashMap<>();
        boolean dependents = dir == Direction.DEPENDENTS;
        try (PreparedStatement ps = c.prepareStatement(sql(dir))) {
            ps.setObject(1, root.id());
            ps.setString(2, root.type().wire());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    NodeRef n = new NodeRef(RecordType.parse(rs.getString(dependents ? "dependent_type" : "blocker_type")),
                            rs.getObject(dependents ? "dependent_id" : "blocker_id", UUID.class));
                    out.merge(n, rs.getInt("dependency_distance"), Math::min);
                }
            }
        }
        out.remove(root);
        return out;
    }
}
