package dev.herald.locations;

import dev.herald.api.ApiSettings;
import dev.herald.api.Page;
import dev.herald.api.PageRequest;
import dev.herald.api.Routes;
import dev.herald.infra.Database;
import dev.herald.records.ListSql;
import dev.herald.records.RecordSql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

/** Locations: points with address fields. Reads and writes of one organization's rows. Thread-safe. */
public final class Locations {
    static final String COLUMNS = "id, organization_id, lat, lon, thoroughfare, locality, region, postcode, created_at";
    private static final String INSERT = """
            INSERT INTO locations (id, organization_id, lat, lon, thoroughfare, locality, region, postcode)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING\s""" + COLUMNS;
    private static final String FIND = "SELECT " + COLUMNS + " FROM locations WHERE id = ? AND deleted_at IS NULL";
    private static final ListSql LIST_BY_ORG = new ListSql("Locations.LIST_BY_ORG", COLUMNS,
            "locations WHERE organization_id = ? AND deleted_at IS NULL");

    private final Database db;

    public Locations(Database db) {
        this.db = db;
    }

    /** A location as the API shows it; lat/lon in degrees (WGS 84). */
    public record Location(UUID id, UUID organizationId, double lat, double lon, String thoroughfare, String locality,
                           String region, String postcode, OffsetDateTime createdAt) {}

    /** A validated new location. */
    record NewLocation(UUID organizationId, double lat, double lon, String thoroughfare, String locality, String region,
                       String postcode) {}

    Location create(NewLocation n) {
        UUID id = UUID.randomUUID();
        return db.write("Locations.INSERT", c -> {
            RecordSql.requireOrganization(c, n.organizationId());
            return RecordSql.one(c, INSERT, Locations::map, id, n.organizationId(), n.lat(), n.lon(), n.thoroughfare(),
                    n.locality(), n.region(), n.postcode());
        });
    }

    /** The live location {@code id} of any organization (callers check that they may see it). */
    public Optional<Location> find(UUID id) {
        return Optional.ofNullable(db.read("Locations.FIND", c -> RecordSql.one(c, FIND, Locations::map, id)));
    }

    Page<Location> list(UUID organizationId, PageRequest req) {
        return RecordSql.page(db, LIST_BY_ORG, req, Locations::map, Location::id, organizationId);
    }

    static Location map(ResultSet rs) throws SQLException {
        return new Location(RecordSql.uuid(rs, "id"), RecordSql.uuid(rs, "organization_id"), rs.getDouble("lat"),
                rs.getDouble("lon"), rs.getString("thoroughfare"), rs.getString("locality"), rs.getString("region"),
                rs.getString("postcode"), RecordSql.time(rs, "created_at"));
    }

    /** The HTTP routes of locations. */
    public Routes routes(ApiSettings api) {
        return new LocationRoutes(this, api);
    }
}
