package dev.herald.bench.burst;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The old production recursive query, verbatim from the reference analysis (the template the graph benchmark keeps in
 * {@code dev/herald/bench/graph/old-recursive-query.sql}), filled in for the dependents direction exactly as the old
 * library did; unbounded (the old callers never passed {@code max_distance}), with the path-array cycle check. It runs
 * over {@code dependencies.dependencies}, a copy of the organization's edges in the old table layout with the old six
 * indexes. Thread-safe.
 */
final class OldRecursiveQuery {
    static final String TEMPLATE = "/dev/herald/bench/graph/old-recursive-query.sql";
    static final String DEPENDENTS_SQL = expand(template());

    private OldRecursiveQuery() {}

    static String template() {
        try (InputStream in = OldRecursiveQuery.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) throw new IllegalStateException("the old query template " + TEMPLATE + " is missing from the bench jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The template with the dependents direction's fields and JDBC parameters (root id, then root type). */
    static String expand(String t) {
        return t.replace("{upstream_id_field}", "d.blocker_id").replace("{upstream_type_field}", "d.blocker_type")
                .replace("{upstream_id}", "blocker_id").replace("{upstream_type}", "blocker_type")
                .replace("{downstream_id}", "dependent_id").replace("{downstream_type}", "dependent_type")
                .replace("%(root_dependency_id)s", "?").replace("%(root_dependency_type)s", "?")
                .replace("ROW(...)", "ROW(d.dependent_type, d.dependent_id, d.blocker_type, d.blocker_id)");
    }

    /** Every row the old query answers for the root: {dependent_type, dependent_id, dependency_distance}, one per PATH. */
    static List<String[]> dependents(Connection c, String rootType, UUID rootId) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(DEPENDENTS_SQL)) {
            ps.setObject(1, rootId);
            ps.setString(2, rootType);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new String[] {rs.getString("dependent_type"), rs.getString("dependent_id"), rs.getString("dependency_distance")});
                }
            }
        }
        return out;
    }

    /** (Re)creates {@code dependencies.dependencies} from Herald's edges of {@code org}, with the reference's indexes. */
    static void createOldTable(DataSource ds, UUID org) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS dependencies");
            st.execute("DROP TABLE IF EXISTS dependencies.dependencies");
            st.execute("""
                    CREATE TABLE dependencies.dependencies (dependent_type text NOT NULL, dependent_id uuid NOT NULL,
                        blocker_type text NOT NULL, blocker_id uuid NOT NULL, created timestamptz NOT NULL, deleted timestamptz)""");
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO dependencies.dependencies
                    SELECT dependent_type, dependent_id, blocker_type, blocker_id, created, deleted
                    FROM public.dependencies WHERE organization_id = ?""")) {
                ps.setObject(1, org);
                ps.executeUpdate();
            }
            st.execute("CREATE INDEX dependencies_dependent_type_idx ON dependencies.dependencies USING btree(dependent_type)");
            st.execute("CREATE INDEX dependencies_blocker_type_idx ON dependencies.dependencies USING btree(blocker_type)");
            st.execute("CREATE INDEX dependencies_dependent_id_idx ON dependencies.dependencies USING btree(dependent_id)");
            st.execute("CREATE INDEX dependencies_blocker_id_idx ON dependencies.dependencies USING btree(blocker_id)");
            st.execute("CREATE INDEX dep_blocker_live_idx ON dependencies.dependencies(blocker_type, blocker_id) WHERE deleted IS NULL");
            st.execute("CREATE INDEX dep_dependent_live_idx ON dependencies.dependencies(dependent_type, dependent_id) WHERE deleted IS NULL");
            st.execute("ANALYZE dependencies.dependencies");
        }
    }
}
