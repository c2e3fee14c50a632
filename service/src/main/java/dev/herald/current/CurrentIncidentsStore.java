package dev.herald.current;

import dev.herald.infra.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads of the stored current-incidents view (never the aggregation): the organization's view version, its live
 * entries, and what changed after a version. Each read is one statement, so version and entries come from one
 * snapshot. Thread-safe.
 */
final class CurrentIncidentsStore {
    /** The view version of an organization (the check every read makes: one primary-key lookup). */
    static final String VERSION = "SELECT version FROM current_incidents_versions WHERE organization_id = ?";
    /** Whether an organization exists (only asked when it has no view version yet: nothing was ever written for it). */
    static final String ORGANIZATION_EXISTS = "SELECT 1 FROM organizations WHERE id = ?";
    /** Every live entry of an organization, with the view version of the same snapshot. */
    static final String LOAD_ORG = """
            SELECT coalesce(v.version, 0), c.incident_id, c.version, c.entry::text FROM organizations o
            LEFT JOIN current_incidents_versions v ON v.organization_id = o.id
            LEFT JOIN current_incidents c ON c.organization_id = o.id AND c.entry IS NOT NULL
            WHERE o.id = ?""";
    /** Entries (tombstones included) of an organization changed after a version, with the view version. */
    static final String CHANGES_SINCE = """
            SELECT coalesce(v.version, 0), c.incident_id, c.version, c.entry::text FROM organizations o
            LEFT JOIN current_incidents_versions v ON v.organization_id = o.id
            LEFT JOIN current_incidents c ON c.organization_id = o.id AND c.version > ?
            WHERE o.id = ?""";
    /** The organization of a live entry (for an admin key asking for one incident without naming the organization). */
    static final String ORG_OF_INCIDENT = """
            SELECT organization_id FROM current_incidents WHERE incident_id = ? AND entry IS NOT NULL""";

    private final Database db;

    CurrentIncidentsStore(Database db) {
        this.db = db;
    }

    /** The organization's view version, or empty when the organization does not exist. */
    Optional<Long> version(UUID org) {
        return db.read("CurrentIncidents.VERSION", c -> {
            try (PreparedStatement ps = c.prepareStatement(VERSION)) {
                ps.setObject(1, org);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) return Optional.of(rs.getLong(1));
                }
            }
            try (PreparedStatement ps = c.prepareStatement(ORGANIZATION_EXISTS)) {
                ps.setObject(1, org);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(0L) : Optional.empty();
                }
            }
        });
    }

    /** The whole live view of an organization, or empty when it does not exist. */
    Optional<CurrentIncidentsView> load(UUID org) {
        return db.read("CurrentIncidents.LOAD_ORG", c -> {
            try (PreparedStatement ps = c.prepareStatement(LOAD_ORG)) {
                ps.setObject(1, org);
                ps.setFetchSize(1000);
                return readChanges(ps).map(r -> CurrentIncidentsView.of(org, r.version, r.changes));
            }
        });
    }

    /** The view brought up to date from {@code view} by reading only what changed after its version. */
    Optional<CurrentIncidentsView> catchUp(CurrentIncidentsView view) {
        return db.read("CurrentIncidents.CHANGES_SINCE", c -> {
            try (PreparedStatement ps = c.prepareStatement(CHANGES_SINCE)) {
                ps.setLong(1, view.version());
                ps.setObject(2, view.organizationId());
                return readChanges(ps).map(r -> view.apply(r.version, r.changes));
            }
        });
    }

    Optional<UUID> organizationOf(UUID incidentId) {
        return db.read("CurrentIncidents.ORG_OF_INCIDENT", c -> {
            try (PreparedStatement ps = c.prepareStatement(ORG_OF_INCIDENT)) {
                ps.setObject(1, incidentId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
                }
            }
        });
    }

    private record Read(long version, List<CurrentIncidentsView.Change> changes) {}

    private static Optional<Read> readChanges(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) return Optional.empty();
            long version = rs.getLong(1);
            List<CurrentIncidentsView.Change> changes = new ArrayList<>();
            do {
                UUID id = rs.getObject(2, UUID.class);
                if (id != null) changes.add(new CurrentIncidentsView.Change(id, rs.getLong(3), rs.getString(4)));
            } while (rs.next());
            return Optional.of(new Read(version, changes));
        }
    }
}
