package dev.herald.assets;

import dev.herald.api.ApiSettings;
import dev.herald.api.Page;
import dev.herald.api.PageRequest;
import dev.herald.api.Routes;
import dev.herald.infra.Database;
import dev.herald.locations.Locations;
import dev.herald.records.ListSql;
import dev.herald.records.RecordSql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** Assets: things an organization owns at a location, of an asset type. Thread-safe. */
public final class Assets {
    static final String COLUMNS = "id, organization_id, asset_type_id, location_id, name, created_at, updated_at";
    private static final String INSERT = """
            INSERT INTO assets (id, organization_id, asset_type_id, location_id, name) VALUES (?, ?, ?, ?, ?)
            RETURNING\s""" + COLUMNS;
    /** Many assets with their type and location in one statement (serves GET /assets/{id} and POST /assets/bulk). */
    private static final String FIND_DETAILED = """
            SELECT a.id, a.organization_id, a.name, a.created_at, a.updated_at, t.id AS type_id, t.name AS type_name,
                   l.id, l.organization_id, l.lat, l.lon, l.thoroughfare, l.locality, l.region, l.postcode, l.created_at
            FROM assets a
            JOIN asset_types t ON t.id = a.asset_type_id
            JOIN locations l ON l.id = a.location_id
            WHERE a.id = ANY(?) AND a.deleted_at IS NULL""";
    private static final ListSql LIST_BY_ORG = new ListSql("Assets.LIST_BY_ORG", COLUMNS,
            "assets WHERE organization_id = ? AND deleted_at IS NULL");

    private final Database db;

    public Assets(Database db) {
        this.db = db;
    }

    /** An asset as lists show it (type and location by id). */
    public record Asset(UUID id, UUID organizationId, UUID assetTypeId, UUID locationId, String name,
                        OffsetDateTime createdAt, OffsetDateTime updatedAt) {}

    /** An asset with its type and location, as {@code GET /assets/{id}} and {@code POST /assets/bulk} show it. */
    public record DetailedAsset(UUID id, UUID organizationId, String name, TypeRef assetType, Locations.Location location,
                                OffsetDateTime createdAt, OffsetDateTime updatedAt) {}

    public record TypeRef(UUID id, String name) {}

    Asset create(UUID organizationId, UUID assetTypeId, UUID locationId, String name) {
        UUID id = UUID.randomUUID();
        return db.write("Assets.INSERT", c -> {
            RecordSql.requireOrganization(c, organizationId);
            RecordSql.requireLive(c, "asset_types", "asset_type_id", "asset type", assetTypeId, organizationId);
            RecordSql.requireLive(c, "locations", "location_id", "location", locationId, organizationId);
            return RecordSql.one(c, INSERT, Assets::map, id, organizationId, assetTypeId, locationId, name);
        });
    }

    /** The live assets among {@code ids} (any organization; callers check visibility), in no particular order. One statement. */
    public List<DetailedAsset> findDetailed(Collection<UUID> ids) {
        UUID[] arr = ids.toArray(UUID[]::new);
        return db.read("Assets.FIND_DETAILED", c -> {
            try (var ps = c.prepareStatement(FIND_DETAILED)) {
                ps.setArray(1, c.createArrayOf("uuid", arr));
                try (ResultSet rs = ps.executeQuery()) {
                    List<DetailedAsset> out = new java.util.ArrayList<>();
                    while (rs.next()) out.add(mapDetailed(rs));
                    return out;
                }
            }
        });
    }

    Page<Asset> list(UUID organizationId, PageRequest req) {
        return RecordSql.page(db, LIST_BY_ORG, req, Assets::map, Asset::id, organizationId);
    }

    static Asset map(ResultSet rs) throws SQLException {
        return new Asset(RecordSql.uuid(rs, "id"), RecordSql.uuid(rs, "organization_id"), RecordSql.uuid(rs, "asset_type_id"),
                RecordSql.uuid(rs, "location_id"), rs.getString("name"), RecordSql.time(rs, "created_at"),
                RecordSql.time(rs, "updated_at"));
    }

    private static DetailedAsset mapDetailed(ResultSet rs) throws SQLException {
        var loc = new Locations.Location(rs.getObject(8, UUID.class), rs.getObject(9, UUID.class), rs.getDouble(10),
                rs.getDouble(11), rs.getString(12), rs.getString(13), rs.getString(14), rs.getString(15),
                rs.getObject(16, OffsetDateTime.class));
        return new DetailedAsset(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
                new TypeRef(rs.getObject(6, UUID.class), rs.getString(7)), loc,
                rs.getObject(4, OffsetDateTime.class), rs.getObject(5, OffsetDateTime.class));
    }

    /** The HTTP routes of assets and asset types. */
    public Routes routes(AssetTypes types, ApiSettings api) {
        return new AssetRoutes(types, this, api);
    }
}
