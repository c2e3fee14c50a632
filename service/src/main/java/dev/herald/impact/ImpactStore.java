package dev.herald.impact;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.Page;
import dev.herald.api.PageRequest;
import dev.herald.graph.NodeRef;
import dev.herald.graph.RecordType;
import dev.herald.infra.Database;
import dev.herald.json.Json;
import dev.herald.records.ListSql;
import dev.herald.records.RecordSql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The impact tables' reads and the calls that write them: apply (the recorded changes, V93) and rebuild (V89).
 * Thread-safe (stateless).
 */
final class ImpactStore {
    /** The affected subjects of an organization inside a scope, by subject id. */
    static final ListSql LIST_PAGE = new ListSql("ImpactStore.LIST_PAGE", "id, item::text AS item",
            "impact_subject_view WHERE organization_id = ? AND affected AND impact_in_scope(organization_id, ?::jsonb, subject_type, id)");
    /**
     * The affected subjects a contact's subscription accepts an impact event about (the fan-out's own filter,
     * herald_subscription_accepts, over each incident reaching the subject), by subject id.
     */
    static final ListSql LIST_FOR_CONTACT = new ListSql("ImpactStore.LIST_FOR_CONTACT", "id, item::text AS item", """
            impact_subject_view v WHERE organization_id = ? AND affected AND EXISTS (
                SELECT 1 FROM contacts c, impact_reach r
                JOIN incidents i ON i.id = r.incident_id
                LEFT JOIN assets a ON r.node_type = 'asset' AND a.id = r.node_id
                LEFT JOIN locations l ON l.id = coalesce(a.location_id, i.location_id)
                WHERE c.id = ? AND r.node_type = v.subject_type AND r.node_id = v.id
                  AND herald_subscription_accepts(c, 'impact.started', i.kind, i.severity, l.id IS NOT NULL, l.region,
                                                  l.locality, l.postcode, v.subject_type, v.id, a.asset_type_id))""");
    static final String CONTACT_OF_ORG = "SELECT 1 FROM contacts WHERE id = ? AND organization_id = ? AND deleted_at IS NULL";
    static final String OF_SUBJECT = "SELECT item::text FROM impact_subject_view WHERE subject_type = ? AND id = ? AND organization_id = ?";
    static final String REBUILD = "SELECT impact_rebuild(?)";
    static final String APPLY = "SELECT impact_apply(?, ?)";
    /** impact_lock, tried: an applier finding another one at work on the organization leaves it to that one. */
    static final String TRY_LOCK = "SELECT impact_try_lock(?)";
    static final String PENDING_ORGANIZATIONS = "SELECT DISTINCT organization_id FROM impact_changes ORDER BY 1";
    static final String OLDEST_PENDING = "SELECT coalesce(extract(epoch FROM now() - min(recorded_at)), 0) FROM impact_changes";
    static final String ORGANIZATIONS = "SELECT id FROM organizations ORDER BY id";
    static final String DEFAULT_DISTANCE = "SELECT impact_default_max_distance()";
    /** DDL cannot take parameters; the value is an int from validated settings, never input. */
    static final String SET_DEFAULT_DISTANCE = "CREATE OR REPLACE FUNCTION impact_default_max_distance() RETURNS int LANGUAGE sql STABLE AS $$ SELECT %d $$";
    static final String LOCK_DEFAULT_DISTANCE = "SELECT pg_advisory_xact_lock(1769235233, 0)";
    static final String ORGS_ON_DEFAULT = "SELECT id FROM organizations WHERE max_distance IS NULL ORDER BY id";
    static final String ASSET_TYPES_OF_ORG = "SELECT count(*) FROM asset_types WHERE id = ANY (?) AND organization_id = ? AND deleted_at IS NULL";

    private final Database db;
    private final java.time.Duration rebuildTimeout;

    ImpactStore(Database db, java.time.Duration rebuildTimeout) {
        this.db = db;
        this.rebuildTimeout = rebuildTimeout;
    }

    /** Item: the subject's JSON as impact_subject_view builds it; id: its sort key. */
    record Row(UUID id, JsonNode item) {}

    Page<JsonNode> page(UUID org, ImpactScope scope, PageRequest req) {
        return items(LIST_PAGE, req, org, scope.toJson());
    }

    Page<JsonNode> pageForContact(UUID org, UUID contact, PageRequest req) {
        return items(LIST_FOR_CONTACT, req, org, contact);
    }

    /** One page of a list of impact items (paginated by subject id), as their JSON. */
    private Page<JsonNode> items(ListSql sql, PageRequest req, Object... filters) {
        Page<Row> rows = RecordSql.page(db, sql, req, rs -> new Row(rs.getObject("id", UUID.class), Json.readStored(rs.getString("item"), "impact item")),
                Row::id, filters);
        return new Page<>(rows.items().stream().map(Row::item).toList(), rows.nextCursor(), rows.hasMore(), rows.total());
    }

    boolean contactOf(UUID org, UUID contact) {
        return db.read("ImpactStore.CONTACT_OF_ORG", c -> {
            try (PreparedStatement ps = c.prepareStatement(CONTACT_OF_ORG)) {
                ps.setObject(1, contact);
                ps.setObject(2, org);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    Optional<JsonNode> ofSubject(UUID org, NodeRef subject) {
        return db.read("ImpactStore.OF_SUBJECT", c -> {
            try (PreparedStatement ps = c.prepareStatement(OF_SUBJECT)) {
                ps.setString(1, subject.type().wire());
                ps.setObject(2, subject.id());
                ps.setObject(3, org);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Json.readStored(rs.getString(1), "impact item")) : Optional.<JsonNode>empty();
                }
            }
        });
    }

    /** Whether every record is live in {@code org} (one lookup per type). */
    boolean allLive(UUID org, Collection<NodeRef> refs) {
        for (RecordType t : RecordType.values()) {
            List<UUID> ids = refs.stream().filter(r -> r.type() == t).map(NodeRef::id).distinct().toList();
            if (ids.isEmpty()) continue;
            // table names come from the enum, never from input
            String sql = "SELECT count(*) FROM " + t.table() + " WHERE id = ANY (?) AND organization_id = ? AND deleted_at IS NULL";
            long n = db.read("ImpactStore.RECORDS_LIVE", c -> count(c, sql, ids, org));
            if (n != ids.size()) return false;
        }
        return true;
    }

    boolean assetTypesLive(UUID org, List<UUID> ids) {
        List<UUID> distinct = ids.stream().distinct().toList();
        return db.read("ImpactStore.ASSET_TYPES_OF_ORG", c -> count(c, ASSET_TYPES_OF_ORG, distinct, org)) == distinct.size();
    }

    private static long count(java.sql.Connection c, String sql, List<UUID> ids, UUID org) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            ps.setObject(2, org);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    int rebuild(UUID org) {
        return db.transaction("ImpactStore.REBUILD", rebuildTimeout, c -> {
            try (PreparedStatement ps = c.prepareStatement(REBUILD)) {
                ps.setObject(1, org);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /**
     * Applies up to {@code max} recorded changes of {@code org} in one transaction; returns how many it consumed. With
     * {@code wait} false it returns 0 at once when another transaction holds the organization's lock (another
     * applier: it takes what is left, and the notifications of later changes wake this one again); with {@code wait}
     * true it waits for the lock as long as the statement may run ({@code impact.rebuild-timeout}).
     */
    int apply(UUID org, int max, boolean wait) {
        return db.transaction("ImpactStore.APPLY", rebuildTimeout, c -> {
            if (wait) {
                try (var st = c.createStatement()) {
                    // lock_timeout takes whole milliseconds; the value comes from validated settings, never input
                    st.execute("SET LOCAL lock_timeout = " + rebuildTimeout.toMillis());
                }
            } else {
                try (PreparedStatement ps = c.prepareStatement(TRY_LOCK)) {
                    ps.setObject(1, org);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (!rs.getBoolean(1)) return 0;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(APPLY)) {
                ps.setObject(1, org);
                ps.setInt(2, max);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /** Age of the oldest recorded change not yet applied, in seconds (0 when none). */
    double oldestPendingSeconds() {
        return db.read("ImpactStore.OLDEST_PENDING", c -> {
            try (PreparedStatement ps = c.prepareStatement(OLDEST_PENDING); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getDouble(1);
            }
        });
    }

    List<UUID> organizations(String sql) {
        return db.read("ImpactStore.ORGANIZATIONS", c -> {
            List<UUID> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getObject(1, UUID.class));
            }
            return out;
        });
    }

    /** Sets the default distance the triggers use; true when it changed. */
    boolean setDefaultDistance(int distance) {
        return db.write("ImpactStore.SET_DEFAULT_DISTANCE", c -> {
            try (java.sql.Statement st = c.createStatement()) {
                st.execute(LOCK_DEFAULT_DISTANCE); // processes starting together replace it one after the other
                try (ResultSet rs = st.executeQuery(DEFAULT_DISTANCE)) {
                    if (rs.next() && rs.getInt(1) == distance) return false;
                }
                st.execute(String.format(SET_DEFAULT_DISTANCE, distance));
            }
            return true;
        });
    }
}
