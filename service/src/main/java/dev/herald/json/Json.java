package dev.herald.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.OffsetDateTime;
import java.util.stream.Collectors;

/**
 * The one JSON mapping of the API: snake_case names, ISO-8601 times, and strict input: unknown fields, trailing
 * content after the value, duplicate keys (request bodies, {@link #requestReader}), a string where a number is expected and a fraction where a whole number is
 * expected are refused rather than guessed at; every string is checked for NUL and unpaired surrogates and every
 * timestamp for its range ({@link StrictText}). {@link #describe} turns a refusal into words that name the field and
 * never a Java type. Thread-safe.
 */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .addModule(new JavaTimeModule())
            .addModule(new SimpleModule("herald-strict-text")
                    .addDeserializer(String.class, new StrictText.Strings())
                    .addDeserializer(OffsetDateTime.class, new StrictText.Timestamps()))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();
    private static final ObjectReader REQUESTS = MAPPER.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature())
            .with(new FiniteNumbers());

    /**
     * Free-form JSON in a request (settings, subscriptions, throttles) keeps only numbers a double can hold: without it
     * {@code 1e400} was stored as {@code "Infinity"}.
     */
    private static final class FiniteNumbers extends com.fasterxml.jackson.databind.node.JsonNodeFactory {
        @Override
        public com.fasterxml.jackson.databind.node.NumericNode numberNode(double v) {
            if (!Double.isFinite(v)) throw new IllegalArgumentException("number is too large");
            return super.numberNode(v);
        }

        @Override
        public com.fasterxml.jackson.databind.node.ValueNode numberNode(Double v) {
            if (v != null && !Double.isFinite(v)) throw new IllegalArgumentException("number is too large");
            return super.numberNode(v);
        }
    }

    private Json() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * The reader for request bodies: the mapper plus duplicate-key detection. Kept off the mapper itself because
     * duplicate detection costs a set of field names per object, and JSON Herald stored itself (cached contexts,
     * view entries) is read on the delivery path and cannot hold duplicates.
     */
    public static ObjectReader requestReader() {
        return REQUESTS;
    }

    /**
     * What is wrong with a request body that failed to map, in the API's words: the field's dotted path (array
     * positions in brackets) and what was expected there, e.g. {@code field 'severity': expected a whole number, got
     * "45"}. Never a Java type name.
     */
    public static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) return "unknown field '" + u.getPropertyName() + "'";
        String path = e instanceof JsonMappingException m ? m.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[") : "";
        String why;
        if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Trailing token")) {
            return "malformed JSON: unexpected content after the JSON value";
        }
        if (e instanceof InvalidFormatException f && f.getOriginalMessage() != null && f.getOriginalMessage().contains(": must ")) {
            why = f.getOriginalMessage().substring(f.getOriginalMessage().indexOf(": must ") + 2);
        } else if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            why = "expected " + expected(m.getTargetType()) + got(m);
        } else if (e instanceof StreamReadException r && r.getOriginalMessage() != null) {
            String msg = r.getOriginalMessage();
            if (msg.startsWith("Duplicate field")) return "malformed JSON: duplicate field " + msg.substring("Duplicate field ".length());
            return "malformed JSON: " + msg.lines().findFirst().orElse("").replaceAll("\\(.*?\\)", "").strip();
        } else if (e.getCause() instanceof com.fasterxml.jackson.core.exc.InputCoercionException c) {
            why = "number out of range" + (c.getTargetType() == Integer.TYPE || c.getTargetType() == Integer.class
                    ? " (expected a whole number up to 2147483647)" : "");
        } else if (e.getCause() instanceof IllegalArgumentException a && "number is too large".equals(a.getMessage())) {
            why = "number is too large";
        } else {
            why = "invalid value";
        }
        return path.isEmpty() ? "malformed JSON: " + why : "field '" + path + "': " + why;
    }

    private static String expected(Class<?> t) {
        if (t == Integer.class || t == int.class || t == Long.class || t == long.class || t == Short.class || t == short.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(t) || t == double.class || t == float.class) return "a number";
        if (t == Boolean.class || t == boolean.class) return "true or false";
        if (t == String.class) return "a string";
        if (t == java.util.UUID.class) return "a UUID";
        if (java.time.temporal.Temporal.class.isAssignableFrom(t)) return "an ISO-8601 timestamp with an offset";
        if (java.util.Collection.class.isAssignableFrom(t) || t.isArray()) return "an array";
        if (t.isEnum()) return "one of the allowed values";
        return "an object";
    }

    /** What the input held instead, from Jackson's description of the mismatch (its token names, not ours). */
    private static String got(MismatchedInputException m) {
        String msg = m.getOriginalMessage() == null ? "" : m.getOriginalMessage();
        if (msg.contains("from String") || msg.contains("String value") || msg.contains("VALUE_STRING")) return ", got a string";
        if (msg.contains("Floating-point") || msg.contains("VALUE_NUMBER_FLOAT")) return ", got a fraction";
        if (msg.contains("Integer value") || msg.contains("from Integer") || msg.contains("VALUE_NUMBER_INT")) return ", got a whole number";
        if (msg.contains("Boolean value") || msg.contains("VALUE_TRUE") || msg.contains("VALUE_FALSE")) return ", got a boolean";
        if (msg.contains("Array value") || msg.contains("START_ARRAY")) return ", got an array";
        if (msg.contains("Object value") || msg.contains("START_OBJECT")) return ", got an object";
        return "";
    }

    /**
     * Parses JSON that Herald stored itself (a jsonb column, a cache entry, a LISTEN payload): null stays null. Text
     * that is not JSON means the store is corrupt, not that a caller erred, so it is an {@link IllegalStateException}
     * naming {@code what} was read (e.g. {@code "contact throttle"}).
     */
    public static JsonNode readStored(String text, String what) {
        if (text == null) return null;
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored " + what + " is not valid JSON", e);
        }
    }

    /**
     * True when a timestamp is within the years Herald stores (1-9999, as request bodies are held to): outside them
     * PostgreSQL stores infinity or refuses the value.
     */
    public static boolean storable(java.time.OffsetDateTime t) {
        return t.getYear() >= StrictText.MIN_YEAR && t.getYear() <= StrictText.MAX_YEAR;
    }

    /** Writes a value for storage; a value that cannot be written is a programming error ({@link IllegalArgumentException}). */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
