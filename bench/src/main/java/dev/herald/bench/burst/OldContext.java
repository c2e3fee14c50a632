package dev.herald.bench.burst;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.json.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The old design's {@code generate_context_data}, as the reference analysis describes it: independent fetches one after
 * another, the incident with its recursive dependents (the old path-enumerating query, unbounded, over the old table
 * layout), the intel requests in bulk with the old query run once per record in a loop (N+1) after the old
 * OR-across-both-sides direct lookup, the assets in one JOIN, then the organization. No cache here (the consumer caches
 * the result only after generation). Each fetch is timed into the {@link StepTable} under the reference's names.
 * Thread-safe (one connection per call).
 */
final class OldContext {
    static final String GET_INCIDENT = "get_incident (recursive deps)";
    static final String GET_INTEL = "get_intel_requests (bulk, recursive per record)";
    static final String GET_ASSETS = "get_assets (bulk)";
    static final String GET_ORG = "get_organization";

    private static final String INCIDENT = """
            SELECT i.id, i.kind, i.status, i.severity, i.title, i.started_at, i.updated_at,
                   l.lat, l.lon, l.thoroughfare, l.locality, l.region, l.postcode
            FROM incidents i JOIN locations l ON l.id = i.location_id AND l.deleted_at IS NULL
            WHERE i.id = ? AND i.deleted_at IS NULL""";
    /** The old direct-dependencies lookup: one OR across both sides of the edge (models.py:157-171). */
    private static final String DIRECT_OR = """
            SELECT d.dependent_type, d.dependent_id, d.blocker_type, d.blocker_id, d.created, d.deleted
            FROM dependencies.dependencies AS d
            WHERE ((d.blocker_type = ? AND d.blocker_id = ?) OR (d.dependent_type = ? AND d.dependent_id = ?))
              AND d.deleted IS NULL""";
    private static final String INTEL_BULK = """
            SELECT id, parent_id, question, status, created_at, updated_at FROM intel_requests
            WHERE id = ANY(?) AND deleted_at IS NULL""";
    /** The reference's assets-api bulk JOIN (assets.py:504-524), on Herald's tables. */
    private static final String ASSETS_BULK = """
            SELECT a.id AS asset_id, a.name AS asset_name, t.name AS asset_type_name,
                   l.lat, l.lon, l.thoroughfare, l.locality, l.region, l.postcode
            FROM assets AS a
            JOIN asset_types AS t ON t.id = a.asset_type_id AND t.deleted_at IS NULL
            JOIN locations AS l ON l.id = a.location_id AND l.organization_id = a.organization_id AND l.deleted_at IS NULL
            WHERE a.id = ANY(?) AND a.deleted_at IS NULL""";
    private static final String ORGANIZATION = "SELECT id, name, max_distance, settings FROM organizations WHERE id = ?";

    private final DataSource ds;
    private final StepTable steps;

    OldContext(DataSource ds, StepTable steps) {
        this.ds = ds;
        this.steps = steps;
    }

    ObjectNode generate(UUID organizationId, UUID incidentId) throws SQLException {
        ObjectNode ctx = Json.mapper().createObjectNode();
        try (Connection c = ds.getConnection()) {
            long t0 = System.nanoTime();
            ctx.set("incident", one(c, INCIDENT, incidentId));
            List<String[]> reached = OldRecursiveQuery.dependents(c, "incident", incidentId);
            long t1 = lap(GET_INCIDENT, t0);

            // recursive_record_types=intel_requests: the incident's dependent intel requests, each then fetched with its own
            // recursive dependencies, one query per record.
            Set<UUID> direct = new LinkedHashSet<>();
            Set<UUID> assets = new LinkedHashSet<>();
            for (String[] r : reached) {
                if ("intel_request".equals(r[0]) && "1".equals(r[2])) direct.add(UUID.fromString(r[1]));
                if ("asset".equals(r[0])) assets.add(UUID.fromString(r[1]));
            }
            ArrayNode intel = ctx.putArray("intel_requests");
            for (ObjectNode ir : many(c, INTEL_BULK, direct.toArray(UUID[]::new))) {
                UUID id = UUID.fromString(ir.get("id").asText());
                ir.put("direct_dependencies", directOr(c, "intel_request", id));
                ir.put("recursive_dependents", OldRecursiveQuery.dependents(c, "intel_request", id).size());
                intel.add(ir);
            }
            long t2 = lap(GET_INTEL, t1);

            ArrayNode assetRows = ctx.putArray("assets");
            many(c, ASSETS_BULK, assets.toArray(UUID[]::new)).forEach(assetRows::add);
            long t3 = lap(GET_ASSETS, t2);

            ctx.set("organization", one(c, ORGANIZATION, organizationId));
            lap(GET_ORG, t3);
        }
        return ctx;
    }

    private long lap(String step, long since) {
        long now = System.nanoTime();
        steps.record(step, (now - since) / 1000);
        return now;
    }

    private static int directOr(Connection c, String type, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DIRECT_OR)) {
            ps.setString(1, type);
            ps.setObject(2, id);
            ps.setString(3, type);
            ps.setObject(4, id);
            int n = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) n++;
            }
            return n;
        }
    }

    private static ObjectNode one(Connection c, String sql, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? row(rs) : Json.mapper().createObjectNode();
            }
        }
    }

    private static List<ObjectNode> many(Connection c, String sql, UUID[] ids) throws SQLException {
        List<ObjectNode> out = new ArrayList<>();
        if (ids.length == 0) return out;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("uuid", ids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(row(rs));
            }
        }
        return out;
    }

    private static ObjectNode row(ResultSet rs) throws SQLException {
        ObjectNode o = Json.mapper().createObjectNode();
        ResultSetMetaData md = rs.getMetaData();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            Object v = rs.getObject(i);
            if (v == null) o.putNull(md.getColumnLabel(i));
            else if (v instanceof Number n) o.put(md.getColumnLabel(i), n.doubleValue());
            else o.put(md.getColumnLabel(i), v.toString());
        }
        return o;
    }
}
