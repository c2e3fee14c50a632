package dev.herald.assets;

import dev.herald.api.Page;
import dev.herald.api.PageRequest;
import dev.herald.errors.DomainException;
import dev.herald.infra.Database;
import dev.herald.infra.DatabaseException;
import dev.herald.records.ListSql;
import dev.herald.records.RecordSql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.UUID;

/** Asset types: named kinds of asset, unique by live name within an organization. Thread-safe. */
public final class AssetTypes {
    static final String COLUMNS = "id, organization_id, name, created_at";
    private static final String INSERT = "INSERT INTO asset_types (id, organization_id, name) VALUES (?, ?, ?) RETURNING " + COLUMNS;
    private static final String FIND_BY_NAME = "SELECT 1 FROM asset_types WHERE organization_id = ? AND name = ? AND deleted_at IS NULL";
    private static final ListSql LIST_BY_ORG = new ListSql("AssetTypes.LIST_BY_ORG", COLUMNS,
            "asset_types WHERE organization_id = ? AND deleted_at IS NULL");

    private final Database db;

    public AssetTypes(Database db) {
        this.db = db;
    }

    /** An asset type as the API shows it. */
    public record AssetType(UUID id, UUID organizationId, String name, OffsetDateTime createdAt) {}

    /** Creates a type; 409 when the organization already has a live type of that name. */
    AssetType create(UUID organizationId, String name) {
        UUID id = UUID.randomUUID();
        try {
            return db.write("AssetTypes.INSERT", c -> {
                RecordSql.requireOrganization(c, organizationId);
                if (RecordSql.one(c, FIND_BY_NAME, rs -> true, organizationId, name) != null) {
                    throw duplicate(name);
                }
                return RecordSql.one(c, INSERT, AssetTypes::map, id, organizationId, name);
            });
        } catch (DatabaseException e) {
            if ("23505".equals(e.sqlState())) throw duplicate(name); // a concurrent create of the same name won
            throw e;
        }
    }

    private static DomainException duplicate(String name) {
        return DomainException.conflict("name", "name: an asset type named '" + name + "' already exists");
    }

    Page<AssetType> list(UUID organizationId, PageRequest req) {
        return RecordSql.page(db, LIST_BY_ORG, req, AssetTypes::map, AssetType::id, organizationId);
    }

    static AssetType map(ResultSet rs) throws SQLException {
        return new AssetType(RecordSql.uuid(rs, "id"), RecordSql.uuid(rs, "organization_id"), rs.getString("name"),
                RecordSql.time(rs, "created_at"));
    }
}
