package dev.herald.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * One event type of the catalog. {@code schema} is a self-contained JSON Schema (2020-12) of the envelope's
 * {@code data}; {@code subjects} are the kinds of record an event of this type is about (what a subscription's
 * asset / intel-request filters can match). Immutable.
 */
public record EventType(String type, String description, Set<String> subjects, JsonNode schema, JsonNode example) {
    /** The part before the first dot ({@code incident} for {@code incident.opened}). */
    public String family() {
        int dot = type.indexOf('.');
        return dot < 0 ? type : type.substring(0, dot);
    }
}
