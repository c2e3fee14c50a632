package dev.herald.current;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The obvious, slow version of the current-incidents view, written independently of the SQL: load every row of an
 * organization with plain SELECTs and assemble the entries in Java. Tests compare the served view with it.
 */
final class ViewModel {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'");

    private ViewModel() {}

    /** Expected entries of the organization by incident id. */
    static Map<UUID, JsonNode> expected(Connection c, UUID org) throws SQLException {
        Map<UUID, ObjectNode> locations = new HashMap<>();
        for (Map<String, Object> r : rows(c, "SELECT id, lat, lon, thoroughfare, locality, region, postcode FROM locations WHERE organization_id = ? AND deleted_at IS NULL", org)) {
            ObjectNode l = F.objectNode();
            l.put("id", r.get("id").toString());
            l.put("lat", (Double) r.get("lat"));
            l.put("lon", (Double) r.get("lon"));
            for (String k : List.of("thoroughfare", "locality", "region", "postcode")) l.put(k, (String) r.get(k));
            locations.put((UUID) r.get("id"), l);
        }
        Map<UUID, ObjectNode> assets = new HashMap<>();
        for (Map<String, Object> r : rows(c, "SELECT id, name, asset_type_id, location_id FROM assets WHERE organization_id = ? AND deleted_at IS NULL", org)) {
            ObjectNode a = F.objectNode();
            a.put("id", r.get("id").toString());
            a.put("name", (String) r.get("name"));
            a.put("asset_type_id", r.get("asset_type_id").toString());
            a.put("location_id", r.get("location_id").toString());
            assets.put((UUID) r.get("id"), a);
        }
        Map<UUID, ObjectNode> intel = new HashMap<>();
        Map<UUID, UUID> parentOf = new HashMap<>();
        for (Map<String, Object> r : rows(c, "SELECT id, parent_id, question, status FROM intel_requests WHERE organization_id = ? AND deleted_at IS NULL", org)) {
            ObjectNode q = F.objectNode();
            q.put("id", r.get("id").toString());
            q.put("parent_id", r.get("parent_id") == null ? null : r.get("parent_id").toString());
            q.put("question", (String) r.get("question"));
            q.put("status", (String) r.get("status"));
            intel.put((UUID) r.get("id"), q);
            if (r.get("parent_id") != null) parentOf.put((UUID) r.get("id"), (UUID) r.get("parent_id"));
        }
        Map<UUID, TreeMap<String, JsonNode>> outagesOf = new HashMap<>();
        for (Map<String, Object> r : rows(c, "SELECT id, incident_id, location_id, utility, customers_affected, estimated_restoration, updated_at FROM outages WHERE organization_id = ? AND deleted_at IS NULL", org)) {
            ObjectNode o = F.objectNode();
            o.put("id", r.get("id").toString());
            o.put("utility", (String) r.get("utility"));
            o.put("customers_affected", (Integer) r.get("customers_affected"));
            o.put("estimated_restoration", ts(r.get("estimated_restoration")));
            o.put("updated_at", ts(r.get("updated_at")));
            o.set("location", r.get("location_id") == null ? F.nullNode() : Objects.requireNonNullElse(locations.get((UUID) r.get("location_id")), F.nullNode()));
            outagesOf.computeIfAbsent((UUID) r.get("incident_id"), k -> new TreeMap<>()).put(r.get("id").toString(), o);
        }
        Map<UUID, TreeMap<String, JsonNode>> netOf = new HashMap<>();
        for (Map<String, Object> r : rows(c, "SELECT id, incident_id, provider, service, started_at, estimated_restoration, updated_at FROM internet_outages WHERE organization_id = ? AND deleted_at IS NULL", org)) {
            ObjectNode o = F.objectNode();
            o.put("id", r.get("id").toString());
            o.put("provider", (String) r.get("provider"));
            o.put("service", (String) r.get("service"));
            o.put("started_at", ts(r.get("started_at")));
            o.put("estimated_restoration", ts(r.get("estimated_restoration")));
            o.put("updated_at", ts(r.get("updated_at")));
            netOf.computeIfAbsent((UUID) r.get("incident_id"), k -> new TreeMap<>()).put(r.get("id").toString(), o);
        }
        Map<UUID, List<Map<String, Object>>> edgesFrom = new HashMap<>();
        for (Map<String, Object> r : rows(c, "SELECT blocker_id, dependent_type, dependent_id FROM dependencies WHERE organization_id = ? AND deleted IS NULL AND blocker_type = 'incident'", org)) {
            edgesFrom.computeIfAbsent((UUID) r.get("blocker_id"), k -> new ArrayList<>()).add(r);
        }
        Map<UUID, JsonNode> out = new TreeMap<>(Comparator.comparing(UUID::toString));
        for (Map<String, Object> r : rows(c, "SELECT id, organization_id, location_id, kind, status, severity, title, started_at, updated_at, version FROM incidents WHERE organization_id = ? AND deleted_at IS NULL AND status = 'open'", org)) {
            UUID id = (UUID) r.get("id");
            ObjectNode inc = F.objectNode();
            inc.put("id", id.toString());
            inc.put("organization_id", org.toString());
            inc.put("kind", (String) r.get("kind"));
            inc.put("status", (String) r.get("status"));
            inc.put("severity", (Integer) r.get("severity"));
            inc.put("title", (String) r.get("title"));
            inc.put("started_at", ts(r.get("started_at")));
            inc.put("updated_at", ts(r.get("updated_at")));
            inc.put("version", (Long) r.get("version"));
            inc.set("location", Objects.requireNonNullElse(locations.get((UUID) r.get("location_id")), F.nullNode()));
            TreeMap<String, JsonNode> as = new TreeMap<>(), qs = new TreeMap<>(), ps = new TreeMap<>();
            for (Map<String, Object> e : edgesFrom.getOrDefault(id, List.of())) {
                UUID dep = (UUID) e.get("dependent_id");
                if (e.get("dependent_type").equals("asset") && assets.containsKey(dep)) as.put(dep.toString(), assets.get(dep));
                if (e.get("dependent_type").equals("intel_request") && intel.containsKey(dep)) {
                    qs.put(dep.toString(), intel.get(dep));
                    UUID parent = parentOf.get(dep);
                    if (parent != null && intel.containsKey(parent)) ps.put(parent.toString(), intel.get(parent));
                }
            }
            ObjectNode entry = F.objectNode();
            entry.set("incident", inc);
            entry.set("outages", array(outagesOf.get(id)));
            entry.set("internet_outages", array(netOf.get(id)));
            entry.set("assets", array(as));
            entry.set("intel_requests", array(qs));
            entry.set("parent_intel_requests", array(ps));
            out.put(id, entry);
        }
        return out;
    }

    /** JSON equality with numbers compared by value (jsonb writes 2.0 as 2). */
    static boolean same(JsonNode a, JsonNode b) {
        return a.equals((x, y) -> {
            if (x.isNumber() && y.isNumber()) return Double.compare(x.doubleValue(), y.doubleValue()) == 0 ? 0 : 1;
            return x.equals(y) ? 0 : 1;
        }, b);
    }

    /** Ids whose entries differ between two views (missing on either side or unequal). */
    static TreeSet<String> differences(Map<UUID, JsonNode> want, Map<UUID, JsonNode> got) {
        TreeSet<String> diff = new TreeSet<>();
        for (var e : want.entrySet()) {
            JsonNode g = got.get(e.getKey());
            if (g == null) diff.add("missing " + e.getKey());
            else if (!same(e.getValue(), g)) diff.add("changed " + e.getKey() + ": want " + e.getValue() + " got " + g);
        }
        for (UUID k : got.keySet()) if (!want.containsKey(k)) diff.add("extra " + k);
        return diff;
    }

    private static ArrayNode array(TreeMap<String, JsonNode> m) {
        ArrayNode a = F.arrayNode();
        if (m != null) m.values().forEach(a::add);
        return a;
    }

    private static String ts(Object t) {
        return t == null ? null : ((OffsetDateTime) t).withOffsetSameInstant(ZoneOffset.UTC).format(TS);
    }

    private static List<Map<String, Object>> rows(Connection c, String sql, UUID org) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                var md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> m = new HashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        String type = md.getColumnTypeName(i);
                        m.put(md.getColumnLabel(i), type.equals("timestamptz") ? rs.getObject(i, OffsetDateTime.class) : rs.getObject(i));
                    }
                    out.add(m);
                }
            }
        }
        return out;
    }
}
