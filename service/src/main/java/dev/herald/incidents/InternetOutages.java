package dev.herald.incidents;

import dev.herald.api.Caller;
import dev.herald.infra.Database;
import dev.herald.records.RecordSql;
import dev.herald.records.RecordTable;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;

/** Network providers' outages attached to incidents: each write one transaction scoped to the caller's organization. Thread-safe. */
public final class InternetOutages {
    static final String COLUMNS = "id, organization_id, incident_id, provider, service, started_at, estimated_restoration, created_at, updated_at";
    private static final String INSERT = """
            INSERT INTO internet_outages (id, organization_id, incident_id, provider, service, started_at, estimated_restoration)
            VALUES (?, ?, ?, ?, ?, COALESCE(?, now()), ?) RETURNING\s""" + COLUMNS;
    private static final String UPDATE = """
            UPDATE internet_outages SET provider = ?, service = ?, estimated_restoration = ?, updated_at = now()
            WHERE id = ? RETURNING\s""" + COLUMNS;
    private static final RecordTable<InternetOutage> TABLE = new RecordTable<>("internet_outages", "internet outage", COLUMNS, InternetOutages::map, InternetOutage::organizationId);

    private final Database db;

    public InternetOutages(Database db) {
        this.db = db;
    }

    /** An internet outage as the API shows it. */
    public record InternetOutage(UUID id, UUID organizationId, UUID incidentId, String provider, String service,
                                 OffsetDateTime startedAt, OffsetDateTime estimatedRestoration, OffsetDateTime createdAt,
                                 OffsetDateTime updatedAt) {}

    record NewInternetOutage(UUID organizationId, UUID incidentId, String provider, String service, OffsetDateTime startedAt,
                             OffsetDateTime estimatedRestoration) {}

    /** A change: null provider stays; {@code setService} / {@code setRestoration} say whether those fields were given. */
    record Change(String provider, boolean setService, String service, boolean setRestoration, OffsetDateTime estimatedRestoration) {}

    InternetOutage create(NewInternetOutage n) {
        UUID id = UUID.randomUUID();
        return db.write("InternetOutages.INSERT", c -> {
            RecordSql.requireOrganization(c, n.organizationId());
            RecordSql.requireLive(c, "incidents", "incident_id", "incident", n.incidentId(), n.organizationId());
            return RecordSql.one(c, INSERT, InternetOutages::map, id, n.organizationId(), n.incidentId(), n.provider(),
                    n.service(), n.startedAt(), n.estimatedRestoration());
        });
    }

    InternetOutage change(Caller caller, UUID id, Change ch) {
        return db.write("InternetOutages.UPDATE", c -> {
            InternetOutage cur = TABLE.lockVisible(c, caller, id);
            String provider = ch.provider() != null ? ch.provider() : cur.provider();
            String service = ch.setService() ? ch.service() : cur.service();
            OffsetDateTime restoration = ch.setRestoration() ? ch.estimatedRestoration() : cur.estimatedRestoration();
            if (provider.equals(cur.provider()) && Objects.equals(service, cur.service())
                    && Outages.sameInstant(restoration, cur.estimatedRestoration())) {
                return cur;
            }
            return RecordSql.one(c, UPDATE, InternetOutages::map, provider, service, restoration, id);
        });
    }

    void delete(Caller caller, UUID id) {
        TABLE.softDelete(db, "InternetOutages.SOFT_DELETE", caller, id);
    }

    static InternetOutage map(ResultSet rs) throws SQLException {
        return new InternetOutage(RecordSql.uuid(rs, "id"), RecordSql.uuid(rs, "organization_id"),
                RecordSql.uuid(rs, "incident_id"), rs.getString("provider"), rs.getString("service"),
                RecordSql.time(rs, "started_at"), RecordSql.time(rs, "estimated_restoration"),
                RecordSql.time(rs, "created_at"), RecordSql.time(rs, "updated_at"));
    }
}
