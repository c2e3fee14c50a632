package dev.herald.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.Json;

/** jsonb text to and from Jackson trees. */
final class Jsonb {
    private Jsonb() {}

    static JsonNode read(String text) {
        if (text == null) return Json.mapper().nullNode();
        try {
            return Json.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("jsonb column holds invalid JSON", e);
        }
    }

    static String write(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write JSON", e);
        }
    }
}
