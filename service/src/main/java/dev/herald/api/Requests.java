package dev.herald.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import dev.herald.errors.DomainException;
import dev.herald.json.Json;
import io.javalin.http.Context;
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

    static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }
}
