package dev.herald.templates;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deep, immutable copies of notification contexts as templates see them: objects become unmodifiable maps (field order
 * kept), arrays unmodifiable lists, and scalars strings, numbers, booleans or null. No template can change what another
 * render (of this or another organization) sees. Stateless; thread-safe.
 */
final class FrozenContext {
    private FrozenContext() {}

    /** The context's top-level fields as an unmodifiable map (empty when it is not a JSON object). */
    static Map<String, Object> of(JsonNode node) {
        if (node == null || !node.isObject()) return Map.of();
        return object(node);
    }

    private static Map<String, Object> object(JsonNode node) {
        Map<String, Object> m = new LinkedHashMap<>(node.size() * 4 / 3 + 1);
        node.properties().forEach(e -> m.put(e.getKey(), value(e.getValue())));
        return Collections.unmodifiableMap(m);
    }

    private static Object value(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) return null;
        if (n.isObject()) return object(n);
        if (n.isArray()) {
            List<Object> l = new ArrayList<>(n.size());
            n.forEach(x -> l.add(value(x)));
            return Collections.unmodifiableList(l);
        }
        if (n.isTextual()) return n.textValue();
        if (n.isNumber()) return n.numberValue();
        if (n.isBoolean()) return n.booleanValue();
        return n.asText();
    }
}
