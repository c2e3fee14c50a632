package dev.herald.records;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.errors.DomainException;
import dev.herald.json.Json;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/** Validation of well-formed input whose meaning is wrong: each failure is a 422 naming the field. Stateless. */
public final class Check {
    private Check() {}

    public static <T> T required(T value, String field) {
        if (value == null) throw DomainException.invalid(field, field + " is required");
        return value;
    }

    /** A required text of 1 to {@code max} characters (trimmed). */
    public static String text(String value, String field, int max) {
        required(value, field);
        return optionalText(value, field, max);
    }

    /** An optional text: null stays null; otherwise 1 to {@code max} characters (trimmed). */
    public static String optionalText(String value, String field, int max) {
        if (value == null) return null;
        String t = value.trim();
        if (t.isEmpty() || t.length() > max) {
            throw DomainException.invalid(field, field + " must be 1 to " + max + " characters");
        }
        return t;
    }

    public static int range(Integer value, String field, int min, int max) {
        required(value, field);
        if (value < min || value > max) {
            throw DomainException.invalid(field, field + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    public static double range(Double value, String field, double min, double max) {
        required(value, field);
        if (value.isNaN() || value < min || value > max) {
            throw DomainException.invalid(field, field + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    /** A value of a fixed vocabulary; 422 listing the valid ones. */
    public static String oneOf(String value, String field, String... allowed) {
        required(value, field);
        if (Arrays.asList(allowed).contains(value)) return value;
        throw DomainException.invalid(field, field + " must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
    }

    /** The top-level field names present in the JSON body (to tell "absent" from an explicit null in a PATCH). */
    public static Set<String> presentFields(Context ctx) {
        try {
            JsonNode tree = Json.requestReader().readTree(ctx.body());
            Set<String> names = new HashSet<>();
            for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) names.add(it.next());
            return names;
        } catch (Exception e) {
            throw DomainException.malformed("malformed JSON");
        }
    }

    /**
     * The ids of a bulk call, duplicates dropped, order kept: 422 when the list is missing or empty, holds a null, or
     * has more than {@code max} entries (setting {@code api.bulk-max-ids}).
     */
    public static java.util.List<java.util.UUID> bulkIds(java.util.List<java.util.UUID> ids, String field, int max) {
        if (ids == null || ids.isEmpty()) throw DomainException.invalid(field, field + " must name at least one id");
        if (ids.size() > max) {
            throw DomainException.invalid(field, field + " has " + ids.size() + " entries; the most one call takes is " + max
                    + " (setting api.bulk-max-ids)");
        }
        if (ids.contains(null)) throw DomainException.invalid(field, field + " must not contain null");
        return java.util.List.copyOf(new java.util.LinkedHashSet<>(ids));
    }

    /** 422 when a PATCH body changes nothing the endpoint knows. */
    public static void someField(Set<String> present) {
        if (present.isEmpty()) throw DomainException.invalid(null, "nothing to change: the body names no field");
    }
}
