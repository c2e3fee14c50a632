package dev.herald.imports;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.UUID;

/**
 * Keeps the current-incidents view right across a bulk load at O(rows) instead of the per-statement trigger's cost.
 * The view's INSERT trigger recomputes the entries of every inserted row's incidents with {@code id = ANY(ids)}, which
 * for a 100,000-row COPY compares each row with each id (minutes). So for the load only, that one trigger of the loaded
 * table is disabled (inside the import transaction: other sessions never see it off, and the SHARE ROW EXCLUSIVE lock
 * it takes makes concurrent writers to that table wait for the import), and afterwards the affected organizations'
 * views are rebuilt in one statement each, as the seed loader does. Every other trigger (graph versions, notifications) fires
 * as for any write. Tables whose new rows cannot touch an existing entry (locations, assets, intel requests: nothing
 * refers to a new id yet) keep their trigger, which then finds nothing to refresh; rebuilding there would only cost.
 */
final class ViewMaintenance {
    static final String TRIGGER = "current_incidents_ins";
    /** Tables whose inserted rows change existing or new entries: the trigger's refresh grows with the rows. */
    private static final java.util.Set<String> REFRESHING = java.util.Set.of("incidents", "outages", "internet_outages", "dependencies");
    private static final String HAS_TRIGGER = "SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass(?) AND tgname = '" + TRIGGER + "'";
    private static final String REBUILD = "SELECT current_incidents_rebuild(?)";

    private ViewMaintenance() {}

    /** Disables the view trigger of {@code table} when it exists; returns whether it did. */
    static boolean suspend(Connection c, String table) throws SQLException {
        if (!REFRESHING.contains(table)) return false;
        try (PreparedStatement ps = c.prepareStatement(HAS_TRIGGER)) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return false;
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("ALTER TABLE " + table + " DISABLE TRIGGER " + TRIGGER); // table: from ImportType, never from input
        }
        return true;
    }

    /**
     * Refreshes the planner statistics of {@code table} inside the load's transaction (ANALYZE counts the transaction's
     * own new rows), so the rebuild plans with them, and readers do from the commit on.
     */
    static void analyze(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("ANALYZE " + table); // table: from ImportType, never from input
        }
    }

    /** Re-enables the trigger and rebuilds the view of each organization the load touched. */
    static void resume(Connection c, String table, Collection<UUID> organizations) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("ALTER TABLE " + table + " ENABLE TRIGGER " + TRIGGER);
        }
        try (PreparedStatement ps = c.prepareStatement(REBUILD)) {
            for (UUID org : organizations) {
                ps.setObject(1, org);
                ps.execute();
            }
        }
    }
}
