package dev.herald.limits;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.config.Durations;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;

/**
 * A contact's throttle window: at most {@code max} notifications per {@code window} (sliding) per group, where the
 * group is the incident ({@code group_by: "incident"}, the default) or everything sent to the contact
 * ({@code group_by: "contact"}). A notification over it is skipped and recorded as throttled, not queued. Immutable.
 * Written in a contact's {@code throttle} JSON as {@code {"max": 3, "window": "24h", "group_by": "incident"}}.
 */
public record ThrottleWindow(int max, Duration window, GroupBy groupBy) {
    /** What a window counts together. */
    public enum GroupBy { INCIDENT, CONTACT }

    public ThrottleWindow {
        if (max <= 0) throw new IllegalArgumentException("throttle.max must be at least 1, got " + max);
        if (window == null || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("throttle.window must be positive, got " + (window == null ? "nothing" : Durations.format(window)));
        }
        if (window.compareTo(Duration.ofDays(366)) > 0) {
            throw new IllegalArgumentException("throttle.window must be at most 366d, got " + Durations.format(window));
        }
    }

    /**
     * Reads a contact's {@code throttle} JSON; empty ({@code {}}, null or missing) means no window.
     *
     * @throws IllegalArgumentException naming the bad field (for a 422 when a contact is written)
     */
    public static Optional<ThrottleWindow> parse(JsonNode json) {
        if (json == null || json.isNull() || json.isMissingNode() || (json.isObject() && json.isEmpty())) {
            return Optional.empty();
        }
        if (!json.isObject()) throw new IllegalArgumentException("throttle must be an object like {\"max\": 3, \"window\": \"24h\"}");
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("max") && !f.equals("window") && !f.equals("group_by")) {
                throw new IllegalArgumentException("throttle has an unknown field '" + f + "' (allowed: max, window, group_by)");
            }
        }
        JsonNode max = json.get("max");
        if (max == null || !max.canConvertToInt() || !max.isIntegralNumber()) {
            throw new IllegalArgumentException("throttle.max must be a whole number of notifications");
        }
        JsonNode window = json.get("window");
        if (window == null || !window.isTextual()) {
            throw new IllegalArgumentException("throttle.window must be a duration such as \"24h\" or \"30m\"");
        }
        Duration w;
        try {
            w = Durations.parse(window.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("throttle.window: " + e.getMessage());
        }
        GroupBy g = GroupBy.INCIDENT;
        JsonNode gb = json.get("group_by");
        if (gb != null && !gb.isNull()) {
            g = switch (gb.asText().toLowerCase(Locale.ROOT)) {
                case "incident" -> GroupBy.INCIDENT;
                case "contact" -> GroupBy.CONTACT;
                default -> throw new IllegalArgumentException("throttle.group_by must be incident or contact, got '" + gb.asText() + "'");
            };
        }
        return Optional.of(new ThrottleWindow(max.asInt(), w, g));
    }

    /** The reason recorded on a skipped delivery. */
    public String reason() {
        return "throttled: at most " + max + " per " + Durations.format(window) + " per " + groupBy.name().toLowerCase(Locale.ROOT);
    }
}
