package dev.herald.intel;

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
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Intel requests (questions about incidents or assets, optionally children of a parent request). Thread-safe. */
public final class IntelRequests {
    static final String COLUMNS = "id, organization_id, parent_id, question, status, created_at, updated_at";
    private static final String INSERT = """
            INSERT INTO intel_requests (id, organization_id, parent_id, question, status) VALUES (?, ?, ?, ?, ?)
            RETURNING\s""" + COLUMNS;
    private static final String FIND_MANY = "SELECT " + COLUMNS + " FROM intel_requests WHERE id = ANY(?) AND deleted_at IS NULL";
    private static final String UPDATE = """
            UPDATE intel_requests SET status = ?, question = ?, updated_at = now() WHERE id = ? RETURNING\s""" + COLUMNS;
    private static final RecordTable<IntelRequest> TABLE = new RecordTable<>("intel_requests", "intel request", COLUMNS, IntelRequests::map, IntelRequest::organizationId);
    private static final ListSql LIST_BY_ORG = new ListSql("IntelRequests.LIST_BY_ORG", COLUMNS,
            "intel_requests WHERE organization_id = ? AND deleted_at IS NULL");
    private static final ListSql LIST_BY_STATUS = new ListSql("IntelRequests.LIST_BY_STATUS", COLUMNS,
            "intel_requests WHERE organization_id = ? AND deleted_at IS NULL AND status = ?");

    static final String[] STATUSES = {"open", "answered", "closed"};

    private final Database db;

    public IntelRequests(Database db) {
        this.db = db;
    }

    /** An intel request as the API shows it. */
    public record IntelRequest(UUID id, UUID organizationId, UUID parentId, String question, String status,
                               OffsetDateTime createdAt, OffsetDateTime updatedAt) {}

    IntelRequest create(UUID organizationId, UUID parentId, String question, String status) {
        UUID id = UUID.randomUUID();
        return db.write("IntelRequests.INSERT", c -> {
            RecordSql.requireOrganization(c, organizationId);
            if (parentId != null) {
                RecordSql.requireLive(c, "intel_requests", "parent_id", "intel request", parentId, organizationId);
            }
            return RecordSql.one(c, INSERT, IntelRequests::map, id, organizationId, parentId, question, status);
        });
    }

    /** The live intel requests among {@code ids} of any organization (callers check visibility). One statement. */
    public List<IntelRequest> findMany(Collection<UUID> ids) {
        UUID[] arr = ids.toArray(UUID[]::new);
        return db.read("IntelRequests.FIND_MANY", c -> {
            try (var ps = c.prepareStatement(FIND_MANY)) {
                ps.setArray(1, c.createArrayOf("uuid", arr));
                try (ResultSet rs = ps.executeQuery()) {
                    List<IntelRequest> out = new java.util.ArrayList<>();
                    while (rs.next()) out.add(map(rs));
                    return out;
                }
            }
        });
    }

    public Optional<IntelRequest> find(UUID id) {
        return findMany(List.of(id)).stream().findFirst();
    }

    /** Changes status and/or question (null = unchanged); an unchanged value writes nothing. */
    IntelRequest change(Caller caller, UUID id, String status, String question) {
        return db.write("IntelRequests.UPDATE", c -> {
            IntelRequest cur = TABLE.lockVisible(c, caller, id);
            String s = status != null ? status : cur.status();
            String q = question != null ? question : cur.question();
            if (s.equals(cur.status()) && q.equals(cur.question())) return cur;
            return RecordSql.one(c, UPDATE, IntelRequests::map, s, q, id);
        });
    }

    void delete(Caller caller, UUID id) {
        TABLE.softDelete(db, "IntelRequests.SOFT_DELETE", caller, id);
    }

    Page<IntelRequest> list(UUID organizationId, String status, PageRequest req) {
        return status == null
                ? RecordSql.page(db, LIST_BY_ORG, req, IntelRequests::map, IntelRequest::id, organizationId)
                : RecordSql.page(db, LIST_BY_STATUS, req, IntelRequests::map, IntelRequest::id, organizationId, status);
    }

    static IntelRequest map(ResultSet rs) throws SQLException {
        return new IntelRequest(RecordSql.uuid(rs, "id"), RecordSql.uuid(rs, "organization_id"), RecordSql.uuid(rs, "parent_id"),
                rs.getString("question"), rs.getString("status"), RecordSql.time(rs, "created_at"), RecordSql.time(rs, "updated_at"));
    }

    /** The HTTP routes of intel requests. */
    public Routes routes(Dependencies dependencies, ApiSettings api) {
        return new IntelRoutes(this, dependencies, api);
    }
}
