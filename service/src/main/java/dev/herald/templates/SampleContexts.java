package dev.herald.templates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;

/**
 * Sample contexts of realistic size for checking a template at save: the shipped sample has two dependents, on which
 * a template of nested loops is cheap; a real incident has hundreds. Stateless.
 */
final class SampleContexts {
    private SampleContexts() {}

    /**
     * A copy of {@code sample} with {@code n} dependents (assets and intel requests, alternating, at distances 1–3)
     * and {@code n} assets, each modelled on the sample's first.
     */
    static JsonNode widen(JsonNode sample, int n) {
        ObjectNode out = sample.deepCopy();
        JsonNode asset = sample.path("assets").path(0);
        ArrayNode dependents = out.putArray("dependents");
        ArrayNode assets = out.putArray("assets");
        for (int i = 0; i < n; i++) {
            String id = new UUID(0x00000000_0000_4000L, 0x8000_0000_0000_0000L | (0x1000 + i)).toString();
            ObjectNode d = dependents.addObject();
            d.put("type", i % 2 == 0 ? "asset" : "intel_request");
            d.put("id", id);
            d.put("distance", 1 + i % 3);
            ObjectNode a = asset.isObject() ? ((ObjectNode) asset).deepCopy() : assets.objectNode();
            a.put("id", id);
            a.put("name", "Asset " + (i + 1));
            assets.add(a);
        }
        return out;
    }
}
