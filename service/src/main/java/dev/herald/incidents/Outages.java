package dev.herald.incidents;

import dev.herald.api.Caller;
import dev.herald.api.Routes;
import dev.herald.infra.Database;
import dev.herald.records.RecordSql;
import dev.herald.records.RecordTable;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;

/** Utility outages attached to incidents: each write one transaction scoped to the caller's organization. Thread-safe. */
public final class Outages {
    static final String COLUMNS = "id, organization_id, incident_id, location_id, utility, customers_affected, estimated_restoration, created_at, updated_at";
    private static final String INSERT = """
            INSERT INTO outages (id, organization_id, incident_id, location_id, utility, customers_affected, estimated_restoration)
            VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING\s""" + COLUMNS;
    private static final String UPDATE = """
            UPDATE outages SET location_id = ?, customers_affected = ?, estimated_restoration = ?, updated_at = now()
            WHERE id = ? RETURNING\s""" + COLUMNS;
    private static final RecordTable<Outage> TABLE = new RecordTable<>("outages", "outage", COLUMNS, Outages::map, Outage::organizationId);

    private final Database db;

    public Outages(Database db) {
        this.db = db;
    }

    /** An outage as the API shows it. */
    public record Outage(UUID id, UUID organizationId, UUID incidentId, UUID locationId, String utility,
                         Integer customersAffected, OffsetDateTime estimatedRestoration, OffsetDateTime createdAt,
                         OffsetDateTime updatedAt) {}

    record NewOutage(UUID organizationId, UUID incidentId, UUID locationId, String utility, Integer customersAffected,
                     OffsetDateTime estimatedRestoration) {}

    /** The full new values of the changeable fields (the routes merge absent fields from nothing: see {@link #change}). */
    record Change(boolean setLocation, UUID locationId, boolean setCustomers, Integer customersAffected,
                  boolean setRestoration, OffsetDateTime estimatedRestoration) {}

    Outage create(NewOutage n) {
        UUID id = UUID.randomUUID();
        return db.write("Outages.INSERT", c -> {
            RecordSql.requireOrganization(c, n.organizationId());
            RecordSql.requireLive(c, "incidents", "incident_id", "incident", n.incidentId(), n.organizationId());
            if (n.locationId() != null) {
                RecordSql.requireLive(c, "locations", "location_id", "location", n.locationId(), n.organizationId());
            }
            return RecordSql.one(c, INSERT, Outages::map, id, n.organizationId(), n.incidentId(), n.locationId(), n.utility(),
                    n.customersAffected(), n.estimatedRestoration());
        });
    }

    Outage change(Caller caller, UUID id, Change ch) {
        return db.write("Outages.UPDATE", c -> {
            Outage cur = TABLE.lockVisible(c, caller, id);
            UUID location = ch.setLocation() ? ch.locationId() : cur.locationId();
            Integer customers = ch.setCustomers() ? ch.customersAffected() : cur.customersAffected();
            OffsetDateTime restoration = ch.setRestoration() ? ch.estimatedRestoration() : cur.estimatedRestoration();
            if (location != null && !location.equals(cur.locationId())) {
                RecordSql.requireLive(c, "locations", "location_id", "location", location, cur.organizationId());
            }
            if (Objects.equals(location, cur.locationId()) && Objects.equals(customers, cur.customersAffected())
                    && sameInstant(restoration, cur.estimatedRestoration())) {
                return cur;
            }
            return RecordSql.one(c, UPDATE, Outages::map, location, customers, restoration, id);
        });
    }

    void delete(Caller caller, UUID id) {
        TABLE.softDelete(db, "Outages.SOFT_DELETE", caller, id);
    }

    static boolean sameInstant(OffsetDateTime a, OffsetDateTime b) {
        return a == null ? b == null : b != null && a.isEqual(b);
    }

    static Outage map(ResultSet rs) throws SQLException {
        return new Outage(RecordSql.uuid(rs, "id"), RecordSql.uuid(rs, "organization_id"), RecordSql.uuid(rs, "incident_id"),
                RecordSql.uuid(rs, "location_id"), rs.getString("utility"), RecordSql.integer(rs, "customers_affected"),
                RecordSql.time(rs, "estimated_restoration"), RecordSql.time(rs, "created_at"), RecordSql.time(rs, "updated_at"));
    }

    /** The HTTP routes of outages and internet outages. */
    public Routes routes(InternetOutages internetOutages) {
        return new OutageRoutes(this, internetOutages);
    }
}
