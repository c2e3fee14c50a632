package dev.herald.contacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.errors.DomainException;
import dev.herald.events.EventCatalog;
import dev.herald.events.EventType;
import dev.herald.json.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The rules of a contact's subscription: what it may name, checked on save (create and PATCH); a refusal is a 422
 * naming the field ({@code subscription.types}, ...). What it accepts is decided in one place, the SQL function
 * {@code herald_subscription_accepts} over the contact's generated {@code sub_*} columns (V88); this class only keeps
 * a stored subscription well-formed, so that function never meets a value it cannot read.
 *
 * <pre>{@code
 * {"types": ["incident.*", "impact.started"],         event types or patterns (absent: every type except impact.*)
 *  "kinds": ["power"], "min_severity": 3,              the incident's kind and severity
 *  "regions": [...], "localities": [...], "postcodes": [...],   the event's location (incident's, or the asset's)
 *  "asset_types": [uuid], "asset_ids": [uuid], "intel_request_ids": [uuid],   the event's subject (any of the three)
 *  "within": {"type": "asset", "id": uuid, "hops": 2}}  the subject is that record or within hops edges downstream
 * }</pre>
 * Stateless; {@link #references} runs inside the caller's write transaction.
 */
final class Subscriptions {
    static final Set<String> KINDS = Set.of("power", "internet", "other");
    static final int MAX_TEXTS = 200;
    static final int MAX_TEXT_CHARS = 100;
    static final int MAX_IDS = 1000;
    private static final List<String> TEXT_FIELDS = List.of("regions", "localities", "postcodes");
    /** The subject lists, the table each names and the label of a missing one. */
    private static final Map<String, String[]> ID_FIELDS = Map.of(
            "asset_types", new String[] {"asset_types", "asset type"},
            "asset_ids", new String[] {"assets", "asset"},
            "intel_request_ids", new String[] {"intel_requests", "intel request"});
    private static final Set<String> FIELDS = Set.of("types", "kinds", "min_severity", "regions", "localities", "postcodes",
            "asset_types", "asset_ids", "intel_request_ids", "within");
    /** The records a {@code within} filter can count hops from, and their tables. */
    private static final Map<String, String> WITHIN_TABLES = Map.of("asset", "assets", "intel_request", "intel_requests", "incident", "incidents");

    private Subscriptions() {}

    /** A checked subscription (null stays null: no filter). */
    static JsonNode check(JsonNode s, int maxWithinHops) {
        if (s == null || s.isNull()) return null;
        if (!s.isObject()) throw invalid("subscription", "must be an object with any of " + new java.util.TreeSet<>(FIELDS));
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) throw invalid("subscription", "unknown field '" + abbreviate(f) + "'; known: " + new java.util.TreeSet<>(FIELDS));
        }
        ObjectNode out = Json.mapper().createObjectNode();
        List<EventType> types = types(s.get("types"), out);
        List<String> kinds = texts(s, "kinds", 3, 10);
        for (String k : kinds) {
            if (!KINDS.contains(k)) throw invalid("subscription.kinds", "'" + abbreviate(k) + "' is not one of " + new java.util.TreeSet<>(KINDS));
        }
        put(out, "kinds", kinds);
        JsonNode min = s.get("min_severity");
        if (min != null && !min.isNull()) {
            if (!min.isIntegralNumber() || min.asLong() < 1 || min.asLong() > 5) {
                throw invalid("subscription.min_severity", "must be a whole number from 1 to 5");
            }
            out.put("min_severity", min.asInt());
        }
        for (String f : TEXT_FIELDS) put(out, f, texts(s, f, MAX_TEXTS, MAX_TEXT_CHARS));
        boolean subjectFilter = false;
        for (String f : List.of("asset_types", "asset_ids", "intel_request_ids")) {
            List<String> ids = ids(s, f);
            put(out, f, ids);
            subjectFilter |= !ids.isEmpty();
        }
        within(s.get("within"), maxWithinHops, out);
        if (subjectFilter) {
            // Only events about an asset or an intel request can match a subject filter: refuse one that never could.
            boolean assets = out.has("asset_types") || out.has("asset_ids");
            boolean intel = out.has("intel_request_ids");
            boolean any = types.stream().anyMatch(t -> assets && t.subjects().contains("asset") || intel && t.subjects().contains("intel_request"));
            if (!any) {
                throw invalid(assets ? (out.has("asset_ids") ? "subscription.asset_ids" : "subscription.asset_types") : "subscription.intel_request_ids",
                        "no event type of this subscription is about " + (assets ? "an asset" : "an intel request")
                        + "; name such types in subscription.types (impact.* is about assets" + (intel ? ", intel_request.* about intel requests" : "") + ")");
            }
        }
        return out;
    }

    /**
     * Inside the write that stores {@code sub}: 422 naming the field unless every asset type, asset and intel request it
     * names is live in {@code organizationId} (another organization's record answers like a missing one).
     */
    static void references(Connection c, UUID organizationId, JsonNode sub) throws SQLException {
        if (sub == null) return;
        JsonNode within = sub.get("within");
        if (within != null) {
            String type = within.get("type").asText();
            // table comes from the fixed map, never from input
            String sql = "SELECT 1 FROM " + WITHIN_TABLES.get(type) + " WHERE id = ? AND organization_id = ? AND deleted_at IS NULL";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setObject(1, UUID.fromString(within.get("id").asText()));
                ps.setObject(2, organizationId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw invalid("subscription.within.id", type.replace('_', ' ') + " " + within.get("id").asText() + " does not exist in this organization");
                    }
                }
            }
        }
        for (Map.Entry<String, String[]> f : ID_FIELDS.entrySet()) {
            JsonNode ids = sub.get(f.getKey());
            if (ids == null || ids.isEmpty()) continue;
            List<UUID> wanted = new ArrayList<>();
            ids.forEach(id -> wanted.add(UUID.fromString(id.asText())));
            // table comes from the fixed map above, never from input
            String sql = "SELECT id FROM " + f.getValue()[0] + " WHERE organization_id = ? AND id = ANY(?) AND deleted_at IS NULL";
            Set<UUID> found = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setObject(1, organizationId);
                ps.setArray(2, c.createArrayOf("uuid", wanted.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) found.add(rs.getObject(1, UUID.class));
                }
            }
            for (UUID id : wanted) {
                if (!found.contains(id)) {
                    throw invalid("subscription." + f.getKey(), f.getValue()[1] + " " + id + " does not exist in this organization");
                }
            }
        }
    }

    private static void within(JsonNode w, int maxHops, ObjectNode out) {
        if (w == null || w.isNull()) return;
        String f = "subscription.within";
        if (!w.isObject()) throw invalid(f, "must be an object {\"type\", \"id\", \"hops\"}");
        for (Iterator<String> it = w.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!Set.of("type", "id", "hops").contains(k)) throw invalid(f, "unknown field '" + abbreviate(k) + "'; known: type, id, hops");
        }
        JsonNode type = w.get("type");
        if (type == null || !type.isTextual() || !WITHIN_TABLES.containsKey(type.asText())) {
            throw invalid(f + ".type", "must be one of " + new java.util.TreeSet<>(WITHIN_TABLES.keySet()));
        }
        JsonNode id = w.get("id");
        UUID uuid;
        try {
            uuid = UUID.fromString(id == null ? "" : id.asText());
        } catch (IllegalArgumentException e) {
            throw invalid(f + ".id", "must be a UUID");
        }
        if (!id.isTextual() || !uuid.toString().equals(id.asText().toLowerCase(java.util.Locale.ROOT))) throw invalid(f + ".id", "must be a UUID");
        JsonNode hops = w.get("hops");
        if (hops == null || !hops.isIntegralNumber() || hops.asLong() < 1 || hops.asLong() > maxHops) {
            throw invalid(f + ".hops", "must be a whole number from 1 to " + maxHops + " (graph.max-distance-cap)");
        }
        out.putObject("within").put("type", type.asText()).put("id", uuid.toString()).put("hops", hops.asInt());
    }

    private static List<EventType> types(JsonNode v, ObjectNode out) {
        EventCatalog catalog = EventCatalog.standard();
        if (v == null || v.isNull()) {
            return catalog.types().stream().filter(t -> !t.family().equals("impact")).toList();
        }
        List<String> patterns = textsOf(v, "types", 100, 100);
        if (patterns.isEmpty()) throw invalid("subscription.types", "must be a non-empty array of event types or patterns");
        Set<EventType> named = new LinkedHashSet<>();
        for (String p : patterns) named.addAll(catalog.resolve(p, "subscription.types"));
        put(out, "types", patterns);
        return List.copyOf(named);
    }

    private static List<String> texts(JsonNode parent, String field, int maxItems, int maxChars) {
        return textsOf(parent.get(field), field, maxItems, maxChars);
    }

    private static List<String> textsOf(JsonNode v, String field, int maxItems, int maxChars) {
        String name = "subscription." + field;
        if (v == null || v.isNull()) return List.of();
        if (!v.isArray() || v.isEmpty()) throw invalid(name, "must be a non-empty array of strings (leave it out for no filter)");
        if (v.size() > maxItems) throw invalid(name, "has " + v.size() + " entries; at most " + maxItems);
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode e : v) {
            if (!e.isTextual() || e.asText().isBlank()) throw invalid(name, "entries must be non-blank strings; got " + abbreviate(e.toString()));
            String t = e.asText();
            if (t.length() > maxChars) throw invalid(name, "entries are at most " + maxChars + " characters");
            if (!seen.add(t)) throw invalid(name, "'" + abbreviate(t) + "' is repeated");
            out.add(t);
        }
        return out;
    }

    private static List<String> ids(JsonNode parent, String field) {
        List<String> ids = texts(parent, field, MAX_IDS, 36);
        for (String id : ids) {
            try {
                UUID u = UUID.fromString(id);
                if (!u.toString().equals(id.toLowerCase(java.util.Locale.ROOT))) throw new IllegalArgumentException();
            } catch (IllegalArgumentException e) {
                throw invalid("subscription." + field, "'" + abbreviate(id) + "' is not a UUID");
            }
        }
        return ids.stream().map(id -> id.toLowerCase(java.util.Locale.ROOT)).toList();
    }

    private static void put(ObjectNode out, String field, List<String> values) {
        if (values.isEmpty()) return;
        ArrayNode a = out.putArray(field);
        values.forEach(a::add);
    }

    private static DomainException invalid(String field, String message) {
        return DomainException.invalid(field, field + " " + message);
    }

    private static String abbreviate(String s) {
        return dev.herald.api.Requests.abbreviate(s);
    }
}
