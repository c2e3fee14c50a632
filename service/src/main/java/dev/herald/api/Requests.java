package dev.herald.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.config.Durations;
import dev.herald.config.RetrySchedule;
import dev.herald.errors.DomainException;
import dev.herald.json.Json;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Reading request parts with clear 400s: JSON bodies, UUID path and query parameters. */
public final class Requests {
    private Requests() {}

    /** The JSON body as {@code type}; 400 naming the field for malformed JSON, wrong types or unknown fields. */
    public static <T> T body(Context ctx, Class<T> type) {
        String raw = ctx.body();
        if (raw.isBlank()) {
            throw ApiException.badRequest("request body must be a JSON object");
        }
        try {
            T value = Json.requestReader().forType(type).readValue(raw);
            if (value == null) throw ApiException.badRequest("request body must be a JSON object");
            return value;
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof ApiException api) throw api;
            if (e.getCause() instanceof DomainException d) throw d;
            throw ApiException.badRequest(Json.describe(e));
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest(Json.describe(e));
        }
    }

    /** A UUID path parameter; 400 when malformed. */
    public static UUID pathUuid(Context ctx, String name) {
        return uuid(ctx.pathParam(name), name);
    }

    /** A UUID query parameter; null when absent and not required, 400 when missing but required or malformed. */
    public static UUID queryUuid(Context ctx, String name, boolean required) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isEmpty()) {
            if (required) throw ApiException.badRequest(name + " is required");
            return null;
        }
        return uuid(raw, name);
    }

    public static UUID uuid(String raw, String name) {
        if (raw == null) throw ApiException.badRequest(name + " is required");
        try {
            if (raw.length() != 36) throw new IllegalArgumentException();
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(name + " must be a UUID, got '" + abbreviate(raw) + "'");
        }
    }

    /**
     * A retry schedule field ({@code ["0s", "5s", "5m"]}); null when absent or JSON null; 422 naming {@code field} when it
     * is not a list of durations or breaks a rule of {@link RetrySchedule} (empty, negative, decreasing, past the horizon).
     */
    public static RetrySchedule retrySchedule(JsonNode node, String field, Duration maxHorizon) {
        if (node == null || node.isNull()) return null;
        if (!node.isArray()) {
            throw ApiException.unprocessable(field + " must be a list of delays such as [\"0s\", \"5s\", \"5m\", \"2h\"]");
        }
        List<Duration> delays = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode d = node.get(i);
            if (!d.isTextual()) throw ApiException.unprocessable(field + "[" + i + "] must be a duration such as \"5m\"");
            try {
                delays.add(Durations.parse(d.asText()));
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw ApiException.unprocessable(field + "[" + i + "]: '" + abbreviate(d.asText()) + "' is not a duration (write e.g. 500ms, 5s, 10m, 6h, 1d)");
            }
        }
        try {
            return RetrySchedule.of(delays, maxHorizon);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw ApiException.unprocessable(field + " " + e.getMessage());
        }
    }

    /** {@code s} cut to 60 characters for an error message (a long bad value is not echoed whole). */
    public static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }
}
