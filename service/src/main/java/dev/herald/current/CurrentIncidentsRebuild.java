package dev.herald.current;

import dev.herald.infra.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Recomputes organizations' views from the source tables, compares them with the stored view, reports the
 * differences and repairs them (SQL function {@code current_incidents_rebuild}). Each organization in one transaction
 * holding its view lock, so concurrent writers neither race the comparison nor see a half-repaired view.
 */
public final class CurrentIncidentsRebuild {
    static final String ORGANIZATIONS = "SELECT id FROM organizations ORDER BY id";
    static final String ORGANIZATION_EXISTS = "SELECT 1 FROM organizations WHERE id = ?";
    static final String LOCK = "SELECT current_incidents_lock(ARRAY[?]::uuid[])";
    /** Entries that differ between the recomputed and the stored view: missing, extra (should be gone) or changed. */
    static final String DIFF = """
            WITH fresh AS (SELECT incident_id, entry FROM current_incidents_fresh WHERE organization_id = ?),
            stored AS (SELECT incident_id, entry FROM current_incidents WHERE organization_id = ? AND entry IS NOT NULL)
            SELECT coalesce(f.incident_id, s.incident_id) AS incident_id,
                   CASE WHEN s.incident_id IS NULL THEN 'missing' WHEN f.incident_id IS NULL THEN 'extra' ELSE 'changed' END,
                   count(*) OVER () AS differences,
                   (SELECT count(*) FROM fresh) AS entries
            FROM fresh f FULL JOIN stored s ON s.incident_id = f.incident_id
            WHERE f.entry IS DISTINCT FROM s.entry
            ORDER BY 1 LIMIT ?""";
    static final String COUNT_FRESH = "SELECT count(*) FROM current_incidents_fresh WHERE organization_id = ?";
    static final String REBUILD = "SELECT current_incidents_rebuild(?)";

    /** One difference found: what the stored entry of an incident was compared with the recomputed one. */
    public record Difference(UUID organizationId, UUID incidentId, String kind) {}

    /** The outcome for one organization: entries recomputed, differences found (first few listed) and entries repaired. */
    public record OrgResult(UUID organizationId, long entries, long differences, List<Difference> first, int repaired) {}

    private final Database db;
    private final Duration timeout;

    CurrentIncidentsRebuild(Database db, Duration timeout) {
        this.db = db;
        this.timeout = timeout;
    }

    /** Every organization's id. */
    public List<UUID> organizations() {
        return db.read("CurrentIncidentsRebuild.ORGANIZATIONS", c -> {
            List<UUID> out = new ArrayList<>();
            try (ResultSet rs = c.createStatement().executeQuery(ORGANIZATIONS)) {
                while (rs.next()) out.add(rs.getObject(1, UUID.class));
            }
            return out;
        });
    }

    public boolean exists(UUID org) {
        return db.read("CurrentIncidentsRebuild.ORGANIZATION_EXISTS", c -> {
            try (PreparedStatement ps = c.prepareStatement(ORGANIZATION_EXISTS)) {
                ps.setObject(1, org);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** Compares, reports up to {@code show} differences, and repairs one organization's view. */
    public OrgResult run(UUID org, int show) {
        return db.transaction("CurrentIncidentsRebuild.RUN", timeout, c -> {
            exec(c, LOCK, org);
            List<Difference> first = new ArrayList<>();
            long differences = 0;
            long entries = -1;
            try (PreparedStatement ps = c.prepareStatement(DIFF)) {
                ps.setObject(1, org);
                ps.setObject(2, org);
                ps.setInt(3, Math.max(1, show));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (first.size() < show) first.add(new Difference(org, rs.getObject(1, UUID.class), rs.getString(2)));
                        differences = rs.getLong(3);
                        entries = rs.getLong(4);
                    }
                }
            }
            if (entries < 0) {
                try (PreparedStatement ps = c.prepareStatement(COUNT_FRESH)) {
                    ps.setObject(1, org);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        entries = rs.getLong(1);
                    }
                }
            }
            int repaired;
            try (PreparedStatement ps = c.prepareStatement(REBUILD)) {
                ps.setObject(1, org);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    repaired = rs.getInt(1);
                }
            }
            return new OrgResult(org, entries, differences, List.copyOf(first), repaired);
        });
    }

    private static void exec(Connection c, String sql, UUID org) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, org);
            ps.executeQuery().close();
        }
    }
}
