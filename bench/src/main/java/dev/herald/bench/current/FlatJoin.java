package dev.herald.bench.current;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.json.Json;
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
 * relationships), sorted, then folded into entries by the application, deduplicating each relationship by id and
 * formatting each distinct record once ({@link FlatRows}) in the view's shape so that the content can be compared.
 */
final class FlatJoin {
    static final String FLAT_JOIN = """
            SELECT i.id, i.organization_id, i.kind, i.status, i.severity, i.title, i.started_at, i.updated_at, i.version,
                   il.id AS il_id, il.lat AS il_lat, il.lon AS il_lon, il.thoroughfare AS il_thoroughfare,
                   il.locality AS il_locality, il.region AS il_region, il.postcode AS il_postcode,
                   o.id AS o_id, o.utility, o.customers_affected, o.estimated_restoration AS o_estimated_restoration,
                   o.updated_at AS o_updated_at,
                   ol.id AS ol_id, ol.lat AS ol_lat, ol.lon AS ol_lon, ol.thoroughfare AS ol_thoroughfare,
                   ol.locality AS ol_locality, ol.region AS ol_region, ol.postcode AS ol_postcode,
                   n.id AS n_id, n.provider, n.service, n.started_at AS n_started_at,
                   n.estimated_restoration AS n_estimated_restoration, n.updated_at AS n_updated_at,
                   s.id AS s_id, s.name AS s_name, s.asset_type_id, s.location_id AS s_location_id,
                   q.id AS q_id, q.parent_id AS q_parent_id, q.question AS q_question, q.status AS q_status,
                   p.id AS p_id, p.parent_id AS p_parent_id, p.question AS p_question, p.status AS p_status
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
        ObjectNode incident;
        final TreeMap<String, JsonNode> outages = new TreeMap<>(), internet = new TreeMap<>(), assets = new TreeMap<>(),
                intel = new TreeMap<>(), parents = new TreeMap<>();
    }

    static Result run(Connection c, UUID org) throws SQLException {
        Map<UUID, Acc> byIncident = new LinkedHashMap<>();
        long rows = 0;
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false); // lets the driver stream the rows with a fetch size
        try (var st = c.createStatement()) {
            st.execute("SET LOCAL statement_timeout = '30min'"); // the baseline is slow by design
        }
        try (PreparedStatement ps = c.prepareStatement(FLAT_JOIN)) {
            ps.setFetchSize(5000);
            ps.setObject(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    Acc a = byIncident.computeIfAbsent(rs.getObject(1, UUID.class), k -> new Acc());
                    if (a.incident == null) a.incident = FlatRows.incident(rs);
                    String id;
                    if ((id = rs.getString("o_id")) != null && !a.outages.containsKey(id)) a.outages.put(id, FlatRows.outage(rs));
                    if ((id = rs.getString("n_id")) != null && !a.internet.containsKey(id)) a.internet.put(id, FlatRows.internetOutage(rs));
                    if ((id = rs.getString("s_id")) != null && !a.assets.containsKey(id)) a.assets.put(id, FlatRows.asset(rs));
                    if ((id = rs.getString("q_id")) != null && !a.intel.containsKey(id)) a.intel.put(id, FlatRows.intel(rs, "q_"));
                    if ((id = rs.getString("p_id")) != null && !a.parents.containsKey(id)) a.parents.put(id, FlatRows.intel(rs, "p_"));
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
            entry.set("incident", a.incident);
            entry.set("outages", array(a.outages));
            entry.set("internet_outages", array(a.internet));
            entry.set("assets", array(a.assets));
            entry.set("intel_requests", array(a.intel));
            entry.set("parent_intel_requests", array(a.parents));
            out.put(e.getKey(), entry);
        }
        return new Result(out, rows);
    }

    private static ArrayNode array(TreeMap<String, JsonNode> m) {
        ArrayNode a = Json.mapper().createArrayNode();
        m.values().forEach(a::add);
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
