package dev.herald.bench.impact;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The changes the impact benchmark times, each one autocommit statement (its triggers included), and undone after so
 * the workload stays the same shape: an edge from a node deep in a chain to an asset (added, then removed untimed), a
 * live edge out of a reached node removed (re-added untimed), the incidents reaching the most subjects resolved and
 * reopened. Also the random changes of the burst. Not thread-safe except {@link #random} (one Random per caller).
 */
final class Changes {
    final UUID org;
    final int maxDistance;
    final long reachRows, affectedSubjects;
    final Map<String, String> notes = new HashMap<>();
    private final Random rnd;
    private final List<UUID> deepIntel, assets, topIncidents, openIncidents, outages;

    Changes(Connection c, UUID org, Random rnd) throws SQLException {
        this.org = org;
        this.rnd = rnd;
        maxDistance = (int) one(c, "SELECT impact_max_distance(?)", org);
        reachRows = one(c, "SELECT count(*) FROM impact_reach WHERE organization_id = ?", org);
        affectedSubjects = one(c, "SELECT count(*) FROM impact_subjects WHERE organization_id = ? AND affected", org);
        long deepest = one(c, "SELECT coalesce(max(distance), 1) FROM impact_reach WHERE organization_id = ? AND node_type = 'intel_request'", org);
        // deep in a chain: intel requests at the largest distance below the max (an edge out of them still counts)
        deepIntel = ImpactBench.uuids(c, """
                SELECT DISTINCT node_id FROM impact_reach WHERE organization_id = ? AND node_type = 'intel_request' AND distance = ?
                LIMIT 500""", org, (int) Math.max(1, Math.min(deepest, maxDistance - 1)));
        notes.put("edge_added_deep", "intel request at distance " + Math.max(1, Math.min(deepest, maxDistance - 1)) + " -> asset");
        assets = ImpactBench.uuids(c, "SELECT id FROM assets WHERE organization_id = ? AND deleted_at IS NULL ORDER BY id LIMIT 2000", org);
        topIncidents = ImpactBench.uuids(c, """
                SELECT incident_id FROM impact_reach WHERE organization_id = ? AND node_type IN ('asset', 'intel_request')
                GROUP BY incident_id ORDER BY count(*) DESC, incident_id LIMIT 20""", org);
        long topReach = one(c, """
                SELECT coalesce(min(n), 0) FROM (SELECT count(*) n FROM impact_reach WHERE incident_id = ANY (?) AND node_type IN ('asset', 'intel_request')
                GROUP BY incident_id) x""", topIncidents.toArray(new UUID[0]));
        notes.put("incident_resolved", "incidents reaching >= " + topReach + " subjects");
        notes.put("incident_opened", "the same incidents reopened");
        notes.put("edge_removed", "a live edge out of a reached node (re-added untimed)");
        openIncidents = ImpactBench.uuids(c, "SELECT id FROM incidents WHERE organization_id = ? AND status = 'open' AND deleted_at IS NULL ORDER BY id LIMIT 3000", org);
        outages = ImpactBench.uuids(c, "SELECT id FROM outages WHERE organization_id = ? AND deleted_at IS NULL ORDER BY id LIMIT 3000", org);
        if (deepIntel.isEmpty() || assets.isEmpty() || topIncidents.isEmpty()) {
            throw new IllegalStateException("the workload has no impact to measure (no reached intel request, asset or incident)");
        }
    }

    /** Per kind, the write statement alone (what the writer waits for), ms. */
    final java.util.Map<String, java.util.List<Double>> writeOnly = new java.util.LinkedHashMap<>();

    /** Adds an edge deep intel request -> asset and applies it (timed), then removes it (untimed); ms. */
    double edgeAddedDeep(DataSource ds, boolean warmUp) throws SQLException {
        UUID from = deepIntel.get(rnd.nextInt(deepIntel.size())), to = assets.get(rnd.nextInt(assets.size()));
        try (Connection c = ds.getConnection()) {
            double ms = timed(c, warmUp ? null : "edge_added_deep", """
                    INSERT INTO dependencies (organization_id, blocker_type, blocker_id, dependent_type, dependent_id)
                    VALUES (?, 'intel_request', ?, 'asset', ?) ON CONFLICT DO NOTHING""", org, from, to);
            exec(c, "UPDATE dependencies SET deleted = now() WHERE blocker_type = 'intel_request' AND blocker_id = ? AND dependent_type = 'asset' AND dependent_id = ? AND deleted IS NULL", from, to);
            apply(c);
            return ms;
        }
    }

    /** Soft-deletes a live edge out of a reached node (timed), then adds it again (untimed); ms. */
    double edgeRemoved(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            UUID inc = topIncidents.get(rnd.nextInt(topIncidents.size()));
            Object[] e = edgeOutOfReach(c, inc);
            if (e == null) return edgeAddedDeep(ds, false);
            double ms = timed(c, "edge_removed", "UPDATE dependencies SET deleted = now() WHERE id = ?", e[0]);
            exec(c, "INSERT INTO dependencies (organization_id, blocker_type, blocker_id, dependent_type, dependent_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    org, e[1], e[2], e[3], e[4]);
            apply(c);
            return ms;
        }
    }

    private Object[] edgeOutOfReach(Connection c, UUID incident) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT d.id, d.blocker_type, d.blocker_id, d.dependent_type, d.dependent_id
                FROM impact_reach r JOIN dependencies d ON d.blocker_type = r.node_type AND d.blocker_id = r.node_id AND d.deleted IS NULL
                WHERE r.incident_id = ? AND r.distance < ? AND d.organization_id = ?
                ORDER BY d.id OFFSET ? LIMIT 1""")) {
            ps.setObject(1, incident);
            ps.setInt(2, maxDistance);
            ps.setObject(3, org);
            ps.setInt(4, rnd.nextInt(20));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                return new Object[] {rs.getLong(1), rs.getString(2), rs.getObject(3, UUID.class), rs.getString(4), rs.getObject(5, UUID.class)};
            }
        }
    }

    /** Resolves one of the incidents reaching the most subjects, then reopens it; both timed; ms. */
    double[] resolveAndReopen(DataSource ds, int i) throws SQLException {
        UUID inc = topIncidents.get(i % topIncidents.size());
        try (Connection c = ds.getConnection()) {
            double resolved = timed(c, "incident_resolved", "UPDATE incidents SET status = 'resolved', resolved_at = now() WHERE id = ? AND status = 'open'", inc);
            double opened = timed(c, "incident_opened", "UPDATE incidents SET status = 'open', resolved_at = NULL WHERE id = ? AND status = 'resolved'", inc);
            return new double[] {resolved, opened};
        }
    }

    /** One random change of the burst, on {@code c} (autocommit), with the caller's own Random. */
    void random(Connection c, Random r) throws SQLException {
        switch (r.nextInt(6)) {
            case 0 -> exec(c, """
                    INSERT INTO dependencies (organization_id, blocker_type, blocker_id, dependent_type, dependent_id)
                    VALUES (?, 'intel_request', ?, 'asset', ?) ON CONFLICT DO NOTHING""",
                    org, deepIntel.get(r.nextInt(deepIntel.size())), assets.get(r.nextInt(assets.size())));
            case 1 -> exec(c, """
                    UPDATE dependencies SET deleted = now() WHERE id = (
                        SELECT id FROM dependencies WHERE organization_id = ? AND deleted IS NULL AND blocker_type = 'intel_request'
                          AND blocker_id = ? LIMIT 1)""", org, deepIntel.get(r.nextInt(deepIntel.size())));
            case 2 -> exec(c, "UPDATE incidents SET status = 'resolved', resolved_at = now() WHERE id = ? AND status = 'open'",
                    openIncidents.get(r.nextInt(openIncidents.size())));
            case 3 -> exec(c, "UPDATE incidents SET status = 'open', resolved_at = NULL WHERE id = ? AND status = 'resolved'",
                    openIncidents.get(r.nextInt(openIncidents.size())));
            case 4 -> exec(c, "UPDATE incidents SET severity = ? WHERE id = ?", 1 + r.nextInt(5), openIncidents.get(r.nextInt(openIncidents.size())));
            default -> {
                if (outages.isEmpty()) return;
                exec(c, "UPDATE outages SET estimated_restoration = now() + make_interval(hours => ?) WHERE id = ?", 1 + r.nextInt(72),
                        outages.get(r.nextInt(outages.size())));
            }
        }
    }

    /**
     * Runs one autocommit write and then applies its recorded impact changes (what the service's applier does when the
     * write's notification wakes it); returns write + apply in ms and keeps the write alone under {@code kind} in
     * {@link #writeOnly} (null: a warm-up, not kept).
     */
    double timed(Connection c, String kind, String sql, Object... args) throws SQLException {
        long t0 = System.nanoTime();
        exec(c, sql, args);
        long t1 = System.nanoTime();
        apply(c);
        long t2 = System.nanoTime();
        if (kind != null) writeOnly.computeIfAbsent(kind, k -> new java.util.ArrayList<>()).add((t1 - t0) / 1e6);
        return (t2 - t0) / 1e6;
    }

    /** Applies every recorded impact change of the organization (impact_apply until nothing is left). */
    void apply(Connection c) throws SQLException {
        while (one(c, "SELECT impact_apply(?, 100000)", org) > 0) {
            // a change recorded meanwhile by another connection: apply it too
        }
    }

    static void exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            ps.executeUpdate();
        }
    }

    static long one(Connection c, String sql, Object arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (arg instanceof UUID[] a) ps.setArray(1, c.createArrayOf("uuid", a));
            else ps.setObject(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
