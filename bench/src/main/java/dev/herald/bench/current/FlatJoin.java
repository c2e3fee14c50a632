package dev.herald.bench.current;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.api.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The baseline: the current-incidents query in the style of the reference document, flat LEFT JOINs across outages,
 * internet outages, assets, intel requests and their parents (so each incident yields the cross product of its
 * relationships), sorted, then folded into entries by the application, deduplicating each relationship by id.
 * Per-row fragments are built with the same formatting functions as the view so that the content can be compared.
 */
final class FlatJoin {
    static final String FLAT_JOIN = """
            SELECT i.id,
                   jsonb_build_object('id', i.id, 'organization_id', i.organization_id, 'kind', i.kind, 'status', i.status,
                       'severity', i.severity, 'title', i.title, 'started_at', current_incidents_ts(i.started_at),
                       'updated_at', current_incidents_ts(i.updated_at), 'version', i.version,
                       'location', current_incidents_location(il))::text,
                   o.id, CASE WHEN o.id IS NOT NULL THEN jsonb_build_object('id', o.id, 'utility', o.utility,
                       'customers_affected', o.customers_affected,
                       'estimated_restoration', current_incidents_ts(o.estimated_restoration),
                       'updated_at', current_incidents_ts(o.updated_at), 'location', current_incidents_location(ol))::text END,
                   n.id, CASE WHEN n.id IS NOT NULL THEN jsonb_build_object('id', n.id, 'provider', n.provider,
                       'service', n.service, 'started_at', current_incidents_ts(n.started_at),
                       'estimated_restoration', current_incidents_ts(n.estimated_restoration),
                       'updated_at', current_incidents_ts(n.updated_at))::text END,
                   s.id, CASE WHEN s.id IS NOT NULL THEN jsonb_build_object('id', s.id, 'name', s.name,
                       'asset_type_id', s.asset_type_id, 'location_id', s.location_id)::text END,
                   q.id, CASE WHEN q.id IS NOT NULL THEN jsonb_build_object('id', q.id, 'parent_id', q.parent_id,
                       'question', q.question, 'status', q.status)::text END,
                   p.id, CASE WHEN p.id IS NOT NULL THEN jsonb_build_object('id', p.id, 'parent_id', p.parent_id,
                       'question', p.question, 'status', p.status)::text END
            FROM incidents i
            LEFT JOIN locations il ON il.id = i.location_id AND il.deleted_at IS NULL
            LEFT JOIN outages o ON o.incident_id = i.id AND o.deleted_at IS NULL
            LEFT JOIN locations ol ON ol.id = o.location_id AND ol.deleted_at IS NULL
            LEFT JOIN internet_outages n ON n.incident_id = i.id AND n.deleted_at IS NULL
            LEFT JOIN dependencies da ON da.blocker_type = 'incident' AND da.blocker_id = i.id
                 AND da.dependent_type = 'asset' AND da.deleted IS NULL
            LEFT JOIN assets s ON s.id = da.dependent_id AND s.deleted_at IS NULL AND s.organization_id = i.organization_id
            LEFT JOIN dependencies dq ON dq.blocker_type = 'incident' AND dq.blocker_id = i.id
                 AND dq.dependent_type = 'intel_request' AND dq.deleted IS NULL
            LEFT JOIN intel_requests q ON q.id = dq.dependent_id AND q.deleted_at IS NULL AND q.organization_id = i.organization_id
            LEFT JOIN intel_requests p ON p.id = q.parent_id AND p.deleted_at IS NULL AND p.organization_id = i.organization_id
            WHERE i.organization_id = ? AND i.status = 'open' AND i.deleted_at IS NULL
            ORDER BY i.id, o.id, n.id, s.id, q.id, p.id""";

    /** The folded entries and how many flat rows the query produced. */
    record Result(Map<UUID, JsonNode> entries, long rows) {}

    private static final class Acc {
        String incident;
        final TreeMap<String, String> outages = new TreeMap<>(), internet = new TreeMap<>(), assets = new TreeMap<>(),
                intel = new TreeMap<>(), parents = new TreeMap<>();
    }

    static Result run(Connection c, UUID org) throws SQLException {
        Map<UUID, Acc> byIncident = new LinkedHashMap<>();
        long rows = 0;
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false); // lets the driver stream the rows with a fetch size
        try (PreparedStatement ps = c.prepareStatement(FLAT_JOIN)) {
            ps.setFetchSize(5000);
            ps.setObject(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    Acc a = byIncident.computeIfAbsent(rs.getObject(1, UUID.class), k -> new Acc());
                    if (a.incident == null) a.incident = rs.getString(2);
                    put(a.outages, rs, 3);
                    put(a.internet, rs, 5);
                    put(a.assets, rs, 7);
                    put(a.intel, rs, 9);
                    put(a.parents, rs, 11);
                }
            }
        } finally {
            c.commit();
            c.setAutoCommit(auto);
        }
        Map<UUID, JsonNode> out = new LinkedHashMap<>();
        for (var e : byIncident.entrySet()) {
            Acc a = e.getValue();
            ObjectNode entry = Json.mapper().createObjectNode();
            entry.set("incident", tree(a.incident));
            entry.set("outages", array(a.outages));
            entry.set("internet_outages", array(a.internet));
            entry.set("assets", array(a.assets));
            entry.set("intel_requests", array(a.intel));
            entry.set("parent_intel_requests", array(a.parents));
            out.put(e.getKey(), entry);
        }
        return new Result(out, rows);
    }

    private static void put(TreeMap<String, String> m, ResultSet rs, int idColumn) throws SQLException {
        String id = rs.getString(idColumn);
        if (id != null) {
            String json = rs.getString(idColumn + 1);
            if (json != null) m.putIfAbsent(id, json);
        }
    }

    private static ArrayNode array(TreeMap<String, String> m) {
        ArrayNode a = Json.mapper().createArrayNode();
        m.values().forEach(v -> a.add(tree(v)));
        return a;
    }

    static JsonNode tree(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException("not JSON: " + json, e);
        }
    }
}
