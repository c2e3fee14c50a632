package dev.herald.contacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.api.ApiException;
import dev.herald.api.Requests;
import dev.herald.config.Durations;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;

/**
 * Reads a {@code PATCH /contacts/{id}} body into a {@link ContactChanges.Patch}, validating every present field exactly
 * as creation does (target validation and the private-address rule, throttle, subscription, outbound auth, retry
 * schedule, rate limit), and the shared rules of the fields creation and PATCH both take (name, description, rate
 * limit). Absent fields stay as they are; JSON null clears the fields that can be cleared. Stateless.
 */
final class ContactPatches {
    static final Set<String> FIELDS = Set.of("target", "throttle", "subscription", "outbound_auth", "retry_schedule", "rate_limit",
            "name", "description", "enabled", "operational");
    static final Set<String> RATE_LIMIT_FIELDS = Set.of("rate", "period", "burst");

    private ContactPatches() {}

    static ContactChanges.Patch parse(ObjectNode b, Channel channel, TargetValidator validator, Duration maxRetryHorizon, int maxWithinHops) {
        for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw ApiException.badRequest("unknown field '" + f + "'; a contact's PATCH takes " + new java.util.TreeSet<>(FIELDS)
                        + " (channel and secret cannot change: create a new contact, or POST /contacts/{id}/secret/rotate)");
            }
        }
        String target = null;
        if (b.has("target")) {
            JsonNode t = b.get("target");
            if (!t.isTextual()) throw ApiException.unprocessable("target must be a string");
            target = channel == Channel.WEBHOOK ? validator.url("target", t.asText()) : validator.email("target", t.asText());
        }
        OutboundAuth auth = null;
        if (b.has("outbound_auth") && !b.get("outbound_auth").isNull()) {
            if (channel != Channel.WEBHOOK) throw ApiException.unprocessable("outbound_auth applies to webhook contacts only");
            try {
                auth = OutboundAuth.parse(b.get("outbound_auth"));
            } catch (IllegalArgumentException e) {
                throw ApiException.unprocessable(e.getMessage());
            }
            if (auth instanceof OutboundAuth.OAuth2 o) {
                auth = new OutboundAuth.OAuth2(validator.url("outbound_auth.token_url", o.tokenUrl()), o.clientId(), o.clientSecret(), o.scope());
            }
        }
        return new ContactChanges.Patch(target,
                present(b, "throttle") ? ContactRoutes.throttle(b.get("throttle")) : null, cleared(b, "throttle"),
                present(b, "subscription") ? ContactRoutes.subscription(b.get("subscription"), maxWithinHops) : null, cleared(b, "subscription"),
                auth, cleared(b, "outbound_auth"),
                present(b, "retry_schedule") ? Requests.retrySchedule(b.get("retry_schedule"), "retry_schedule", maxRetryHorizon) : null,
                cleared(b, "retry_schedule"),
                present(b, "rate_limit") ? rateLimit(b.get("rate_limit")) : null, cleared(b, "rate_limit"),
                present(b, "name") ? text(textual(b, "name"), "name", 200) : null, cleared(b, "name"),
                present(b, "description") ? text(textual(b, "description"), "description", 2000) : null, cleared(b, "description"),
                bool(b, "enabled"), bool(b, "operational"));
    }

    private static boolean present(ObjectNode b, String f) {
        return b.has(f) && !b.get(f).isNull();
    }

    private static boolean cleared(ObjectNode b, String f) {
        return b.has(f) && b.get(f).isNull();
    }

    private static String textual(ObjectNode b, String f) {
        if (!b.get(f).isTextual()) throw ApiException.unprocessable(f + " must be a string");
        return b.get(f).asText();
    }

    private static Boolean bool(ObjectNode b, String f) {
        if (!b.has(f)) return null;
        if (!b.get(f).isBoolean()) throw ApiException.unprocessable(f + " must be true or false");
        return b.get(f).asBoolean();
    }

    /** A name or description: null stays null; else 1 to {@code max} characters, not blank. */
    static String text(String v, String field, int max) {
        if (v == null) return null;
        if (v.isBlank() || v.length() > max) throw ApiException.unprocessable(field + " must be 1 to " + max + " characters, not blank");
        return v;
    }

    /**
     * A contact's own rate limit {@code {"rate": n, "period": "1s", "burst"?: n}}: rate 1 to 1,000,000 sends per period,
     * period 1 ms to 1 day, burst 1 to 1,000,000 (default: rate). Null stays null.
     */
    static JsonNode rateLimit(JsonNode r) {
        if (r == null || r.isNull()) return null;
        if (!r.isObject()) throw ApiException.unprocessable("rate_limit must be an object: {\"rate\": 10, \"period\": \"1s\", \"burst\": 20}");
        for (Iterator<String> it = r.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!RATE_LIMIT_FIELDS.contains(f)) throw ApiException.unprocessable("rate_limit: unknown field '" + f + "'");
        }
        JsonNode rate = r.get("rate");
        if (rate == null || !rate.isIntegralNumber() || rate.asLong() < 1 || rate.asLong() > 1_000_000) {
            throw ApiException.unprocessable("rate_limit.rate must be a whole number from 1 to 1000000");
        }
        JsonNode period = r.get("period");
        if (period == null || !period.isTextual()) throw ApiException.unprocessable("rate_limit.period must be a duration such as \"1s\" or \"1m\"");
        Duration p;
        try {
            p = Durations.parse(period.asText());
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw ApiException.unprocessable("rate_limit.period: '" + period.asText() + "' is not a duration (write e.g. 1s, 1m, 1h)");
        }
        if (p.toMillis() < 1 || p.compareTo(Duration.ofDays(1)) > 0) throw ApiException.unprocessable("rate_limit.period must be from 1ms to 1d");
        JsonNode burst = r.get("burst");
        if (burst != null && (!burst.isIntegralNumber() || burst.asLong() < 1 || burst.asLong() > 1_000_000)) {
            throw ApiException.unprocessable("rate_limit.burst must be a whole number from 1 to 1000000");
        }
        return r;
    }
}
