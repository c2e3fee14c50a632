package dev.herald.bench.burst;

import dev.herald.bench.graph.OldQuery;
import dev.herald.graph.Direction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The old production recursive query, verbatim from the reference analysis ({@link OldQuery}, the graph benchmark's
 * baseline), filled in for the dependents direction exactly as the old library did; unbounded (the old callers never
 * passed {@code max_distance}), with the path-array cycle check. It runs over {@code dependencies.dependencies}, a copy
 * of the organization's edges in the old table layout with the old six indexes. Thread-safe.
 */
final class OldRecursiveQuery {
    static final String DEPENDENTS_SQL = OldQuery.sql(Direction.DEPENDENTS);

    private OldRecursiveQuery() {}

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

    /** (Re)creates {@code dependencies.dependencies} from Herald's edges of {@code org}, as the graph benchmark does. */
    static void createOldTable(DataSource ds, UUID org) throws SQLException {
        try (Connection c = ds.getConnection()) {
            OldQuery.createOldTable(c, org);
        }
    }
}
