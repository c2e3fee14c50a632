package dev.herald.incidents;

import dev.herald.api.ApiSettings;
import dev.herald.api.Caller;
import dev.herald.api.Page;
import dev.herald.api.PageRequest;
import dev.herald.api.Routes;
import dev.herald.infra.Database;
import dev.herald.records.Dependencies;
import dev.herald.records.ListSql;
import dev.herald.records.RecordSql;
import dev.herald.records.RecordTable;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Incidents: reads and writes, each write one transaction scoped to the caller's organization (the current-incidents
 * view and the notification work units follow through triggers in that same transaction). Thread-safe.
 */
public final class Incidents {
    static final String COLUMNS = "id, organization_id, location_id, kind, status, severity, title, started_at, updated_at, resolved_at, version";
    private static final String INSERT = """
            INSERT INTO incidents (id, organization_id, location_id, kind, status, severity, title, started_at, resolved_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, COALESCE(?, now()), CASE WHEN ? = 'resolved' THEN now() END) RETURNING\s""" + COLUMNS;
    private static final String FIND = "SELECT " + COLUMNS + " FROM incidents WHERE id = ? AND deleted_at IS NULL";
    private static final String UPDATE = """
            UPDATE incidents SET location_id = ?, kind = ?, status = ?, severity = ?, title = ?,
                   resolved_at = CASE WHEN ? = 'resolved' THEN COALESCE(resolved_at, now()) END,
                   updated_at = now(), version = version + 1
            WHERE id = ? RETURNING\s""" + COLUMNS;
    private static final String SOFT_DELETE = """
            UPDATE incidents SET deleted_at = now(), updated_at = now(), version = version + 1 WHERE id = ?""";
    private static final RecordTable<Incident> TABLE = new RecordTable<>("incidents", "incident", COLUMNS, SOFT_DELETE, Incidents::map,
            Incident::organizationId);
    private static final ListSql LIST_BY_ORG = new ListSql("Incidents.LIST_BY_ORG", COLUMNS,
            "incidents WHERE organization_id = ? AND deleted_at IS NULL");
    private static final ListSql LIST_OPEN = new ListSql("Incidents.LIST_OPEN", COLUMNS,
            "incidents WHERE organization_id = ? AND status = 'open' AND deleted_at IS NULL");
    private static final ListSql LIST_RESOLVED = new ListSql("Incidents.LIST_RESOLVED", COLUMNS,
            "incidents WHERE organization_id = ? AND status = 'resolved' AND deleted_at IS NULL");

    static final String[] KINDS = {"power", "internet", "other"};
    static final String[] STATUSES = {"open", "resolved"};

    private final Database db;

    public Incidents(Database db) {
        this.db = db;
    }

    /** An incident as the API shows it; {@code version} increases on every change. */
    public record Incident(UUID id, UUID organizationId, UUID locationId, String kind, String status, int severity,
                           String title, OffsetDateTime startedAt, OffsetDateTime updatedAt, OffsetDateTime resolvedAt,
                           long version) {}

    record NewIncident(UUID organizationId, UUID locationId, String kind, String status, int severity, String title,
                       OffsetDateTime startedAt) {}

    /** A validated change; null fields stay as they are ({@code clearTitle} sets the title to null). */
    record Change(UUID locationId, String kind, String status, Integer severity, String title, boolean clearTitle) {}

    Incident create(NewIncident n) {
        UUID id = UUID.randomUUID();
        return db.write("Incidents.INSERT", c -> {
            RecordSql.requireOrganization(c, n.organizationId());
            RecordSql.requireLive(c, "locations", "location_id", "location", n.locationId(), n.organizationId());
            return RecordSql.one(c, INSERT, Incidents::map, id, n.organizationId(), n.locationId(), n.kind(), n.status(),
                    n.severity(), n.title(), n.startedAt(), n.status());
        });
    }

    /** The live incident {@code id} of any organization (callers check that they may see it). */
    public Optional<Incident> find(UUID id) {
        return Optional.ofNullable(db.read("Incidents.FIND", c -> RecordSql.one(c, FIND, Incidents::map, id)));
    }

    /** Applies a change; unchanged values write nothing (no version bump, no notification). 404 for another org's incident. */
    Incident change(Caller caller, UUID id, Change ch) {
        return db.write("Incidents.UPDATE", c -> {
            Incident cur = TABLE.lockVisible(c, caller, id);
            if (ch.locationId() != null && !ch.locationId().equals(cur.locationId())) {
                RecordSql.requireLive(c, "locations", "location_id", "location", ch.locationId(), cur.organizationId());
            }
            UUID location = ch.locationId() != null ? ch.locationId() : cur.locationId();
            String kind = ch.kind() != null ? ch.kind() : cur.kind();
            String status = ch.status() != null ? ch.status() : cur.status();
            int severity = ch.severity() != null ? ch.severity() : cur.severity();
            String title = ch.clearTitle() ? null : ch.title() != null ? ch.title() : cur.title();
            if (location.equals(cur.locationId()) && kind.equals(cur.kind()) && status.equals(cur.status())
                    && severity == cur.severity() && Objects.equals(title, cur.title())) {
                return cur;
            }
            return RecordSql.one(c, UPDATE, Incidents::map, location, kind, status, severity, title, status, id);
        });
    }

    void delete(Caller caller, UUID id) {
        TABLE.softDelete(db, "Incidents.SOFT_DELETE", caller, id);
    }

    Page<Incident> list(UUID organizationId, String status, PageRequest req) {
        ListSql sql = status == null ? LIST_BY_ORG : status.equals("open") ? LIST_OPEN : LIST_RESOLVED;
        return RecordSql.page(db, sql, req, Incidents::map, Incident::id, organizationId);
    }

    static Incident map(ResultSet rs) throws SQLException {
        return new Incident(RecordSql.uuid(rs, "id"), RecordSql.uuid(rs, "organization_id"), RecordSql.uuid(rs, "location_id"),
                rs.getString("kind"), rs.getString("status"), rs.getInt("severity"), rs.getString("title"),
                RecordSql.time(rs, "started_at"), RecordSql.time(rs, "updated_at"), RecordSql.time(rs, "resolved_at"),
                rs.getLong("version"));
    }

    /** The HTTP routes of incidents. */
    public Routes routes(Dependencies dependencies, ApiSettings api) {
        return new IncidentRoutes(this, dependencies, api);
    }
}
