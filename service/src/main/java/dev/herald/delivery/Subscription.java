package dev.herald.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which incidents a contact hears about: incident kinds (empty = every kind) and a minimum severity (null = any).
 * Immutable.
 */
public record Subscription(Set<String> kinds, Integer minSeverity) {
    public static final Subscription EVERYTHING = new Subscription(Set.of(), null);

    public Subscription {
        kinds = Set.copyOf(kinds);
    }

    /** True when an incident of {@code kind} and {@code severity} should reach the contact. */
    public boolean accepts(String kind, int severity) {
        return (kinds.isEmpty() || kinds.contains(kind)) && (minSeverity == null || severity >= minSeverity);
    }

    /** From the stored (validated) JSON; {@code {}} or null is everything. */
    public static Subscription of(JsonNode stored) {
        if (stored == null || !stored.isObject() || stored.isEmpty()) return EVERYTHING;
        Set<String> kinds = new LinkedHashSet<>();
        stored.path("kinds").forEach(k -> kinds.add(k.asText()));
        JsonNode min = stored.get("min_severity");
        return new Subscription(kinds, min == null || min.isNull() ? null : min.asInt());
    }
}
