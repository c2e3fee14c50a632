package dev.herald.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.errors.DomainException;
import dev.herald.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every event type Herald sends, loaded once from the jar ({@code dev/herald/events/catalog/<type>.json}, sharing the
 * definitions of {@code _defs.json}), and the one reading of a type pattern: an exact type, {@code family.*} (every
 * type of a family) or {@code *}. Immutable and thread-safe; {@link #standard()} is built on first use.
 */
public final class EventCatalog {
    /** The catalog's types and the records each is about, in the order they are listed. */
    private static final Map<String, Set<String>> TYPES = listed();

    private static Map<String, Set<String>> listed() {
        Map<String, Set<String>> t = new LinkedHashMap<>();
        for (String s : List.of("incident.opened", "incident.updated", "incident.resolved", "outage.added",
                "outage.restoration_changed", "internet_outage.added")) {
            t.put(s, Set.of("incident"));
        }
        t.put("intel_request.created", Set.of("intel_request"));
        t.put("intel_request.updated", Set.of("intel_request"));
        t.put("contact.failing", Set.of("contact"));
        t.put("contact.disabled", Set.of("contact"));
        t.put("delivery.exhausted", Set.of("delivery"));
        t.put("herald.test", Set.of("contact"));
        for (String s : List.of("impact.started", "impact.updated", "impact.ended", "impact.cleared")) {
            t.put(s, Set.of("asset", "intel_request"));
        }
        return Collections.unmodifiableMap(t);
    }

    private static final Pattern NAME = Pattern.compile("[a-z][a-z_]*(\\.[a-z][a-z_]*)?");
    private static final Pattern PATTERN = Pattern.compile("\\*|[a-z][a-z_]*\\.(\\*|[a-z][a-z_]*)");
    private static final String SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema";

    private static final class Holder {
        static final EventCatalog STANDARD = load();
    }

    private final Map<String, EventType> byName;

    private EventCatalog(Map<String, EventType> byName) {
        this.byName = byName;
    }

    /** The catalog shipped in the jar. */
    public static EventCatalog standard() {
        return Holder.STANDARD;
    }

    public List<EventType> types() {
        return List.copyOf(byName.values());
    }

    public Optional<EventType> find(String type) {
        return Optional.ofNullable(byName.get(type));
    }

    /** Whether {@code type} is matched by {@code pattern} (exact, {@code family.*} or {@code *}). */
    public static boolean matches(String pattern, String type) {
        if (pattern.equals("*") || pattern.equals(type)) return true;
        return pattern.endsWith(".*") && type.startsWith(pattern.substring(0, pattern.length() - 1));
    }

    /**
     * The catalog types a pattern names; refuses (422 naming {@code field}) a malformed pattern or one that names no
     * type of the catalog.
     */
    public List<EventType> resolve(String pattern, String field) {
        if (pattern == null || pattern.length() > 100 || !PATTERN.matcher(pattern).matches()) {
            throw DomainException.invalid(field, field + ": '" + shown(pattern) + "' is not an event type or pattern "
                    + "(an exact type such as incident.opened, a family such as incident.*, or *)");
        }
        List<EventType> out = new ArrayList<>();
        for (EventType t : byName.values()) if (matches(pattern, t.type())) out.add(t);
        if (out.isEmpty()) {
            throw DomainException.invalid(field, field + ": '" + pattern + "' names no event type; GET /event-types lists them");
        }
        return out;
    }

    private static String shown(String s) {
        if (s == null) return "null";
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    /** The catalog as served by {@code GET /event-types}: {@code {"items": [{type, description, schema, example}]}}. */
    public JsonNode toJson() {
        ObjectNode out = Json.mapper().createObjectNode();
        var items = out.putArray("items");
        for (EventType t : byName.values()) {
            items.add(json(t));
        }
        return out;
    }

    /** One type as served. */
    public static JsonNode json(EventType t) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("type", t.type());
        o.put("description", t.description());
        o.set("schema", t.schema());
        o.set("example", t.example());
        return o;
    }

    private static EventCatalog load() {
        JsonNode defs = read("_defs.json");
        Map<String, EventType> byName = new LinkedHashMap<>();
        TYPES.forEach((name, subjects) -> {
            if (!NAME.matcher(name).matches()) throw new IllegalStateException("bad event type name " + name);
            JsonNode entry = read(name + ".json");
            if (!name.equals(entry.path("type").asText())) {
                throw new IllegalStateException("catalog entry " + name + ".json names type " + entry.path("type"));
            }
            ObjectNode schema = Json.mapper().createObjectNode();
            schema.put("$schema", SCHEMA_DIALECT);
            schema.put("$id", "https://herald.dev/events/" + name + ".json");
            schema.put("title", name);
            entry.get("schema").fields().forEachRemaining(e -> schema.set(e.getKey(), e.getValue()));
            schema.set("$defs", defs);
            byName.put(name, new EventType(name, entry.path("description").asText(), subjects, schema, entry.get("example")));
        });
        return new EventCatalog(Collections.unmodifiableMap(byName));
    }

    private static JsonNode read(String file) {
        String path = "/dev/herald/events/catalog/" + file;
        try (InputStream in = EventCatalog.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("event catalog entry missing from the jar: " + path);
            return Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("event catalog entry " + path + " is not JSON", e);
        }
    }
}
