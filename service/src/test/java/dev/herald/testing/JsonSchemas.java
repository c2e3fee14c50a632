package dev.herald.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates JSON against a JSON Schema (2020-12) with a real validator (networknt), formats asserted ({@code uuid},
 * {@code date-time}): what Herald emits and answers is checked against what it publishes. Thread-safe.
 */
public final class JsonSchemas {
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    private static final Map<JsonNode, Schema> COMPILED = new IdentityHashMap<>();

    private JsonSchemas() {}

    /** The validation errors of {@code instance} against {@code schema}, each as "location: message"; empty when valid. */
    public static List<String> errors(JsonNode schema, JsonNode instance) {
        Schema s;
        synchronized (COMPILED) {
            s = COMPILED.computeIfAbsent(schema, REGISTRY::getSchema);
        }
        return s.validate(instance).stream().map(Error::toString).toList();
    }
}
