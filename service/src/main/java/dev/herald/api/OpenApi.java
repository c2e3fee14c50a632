package dev.herald.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Herald's OpenAPI 3.1 document: the routes as written in {@code dev/herald/api/openapi.json} (kept by hand, checked
 * against the registered routes and against real responses by the tests), with {@code webhooks} built from the event
 * catalog, so the document and the events Herald sends cannot drift apart. Built once; immutable and thread-safe.
 */
public final class OpenApi {
    /** One webhook event: its type, description and the JSON Schema of the envelope's {@code data}. */
    public record Webhook(String type, String description, JsonNode dataSchema) {}

    private final String json;

    public OpenApi(List<Webhook> webhooks) {
        ObjectNode doc = (ObjectNode) read();
        ObjectNode schemas = (ObjectNode) doc.with("components").with("schemas");
        ObjectNode hooks = doc.putObject("webhooks");
        for (Webhook w : webhooks) {
            JsonNode data = hoist(w.dataSchema().deepCopy(), schemas);
            ObjectNode envelope = Json.mapper().createObjectNode();
            envelope.put("type", "object").putArray("required").add("type").add("timestamp").add("data");
            ObjectNode props = envelope.putObject("properties");
            props.putObject("type").put("const", w.type());
            props.putObject("timestamp").put("type", "string").put("format", "date-time")
                    .put("description", "when the change happened (the same on every attempt)");
            props.set("data", data);
            envelope.put("additionalProperties", false);
            ObjectNode post = hooks.putObject(w.type()).putObject("post");
            post.put("summary", w.type());
            post.put("description", w.description());
            post.put("operationId", "webhook_" + w.type().replace('.', '_'));
            post.putArray("tags").add("webhooks");
            ObjectNode params = Json.mapper().createObjectNode();
            post.putArray("parameters")
                    .add(header("webhook-id", "the delivery's id, the same on every attempt: drop repeats"))
                    .add(header("webhook-timestamp", "Unix seconds of this attempt"))
                    .add(header("webhook-signature", "v1,<base64 HMAC-SHA256 of id.timestamp.body> (or v1a, Ed25519); two during a rotation"));
            post.putObject("requestBody").put("required", true).putObject("content").putObject("application/json").set("schema", envelope);
            ObjectNode responses = post.putObject("responses");
            responses.putObject("200").put("description", "accepted (any 2xx)");
            responses.putObject("410").put("description", "gone: Herald disables the contact");
            responses.putObject("503").put("description", "retried on the contact's schedule, no sooner than Retry-After");
        }
        doc.withArray("tags").addObject().put("name", "webhooks").put("description", "what Herald sends to webhook contacts");
        this.json = Json.write(doc);
    }

    /** {@code GET /openapi.json}, {@code GET /docs}. */
    public Routes routes() {
        return new OpenApiRoutes(this);
    }

    /** The document as served. */
    public String json() {
        return json;
    }

    private static ObjectNode header(String name, String description) {
        ObjectNode h = Json.mapper().createObjectNode();
        h.put("name", name).put("in", "header").put("required", true).put("description", description);
        h.putObject("schema").put("type", "string");
        return h;
    }

    /**
     * The catalog's schema with its {@code $defs} moved to {@code components/schemas} (named {@code Event_<def>}) and
     * its references rewritten, so the document is one resource that every OpenAPI tool resolves the same way.
     */
    private static JsonNode hoist(JsonNode schema, ObjectNode components) {
        if (schema instanceof ObjectNode o) {
            JsonNode defs = o.remove("$defs");
            if (defs != null) {
                for (Iterator<Map.Entry<String, JsonNode>> it = defs.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> d = it.next();
                    if (!components.has("Event_" + d.getKey())) components.set("Event_" + d.getKey(), rewrite(d.getValue().deepCopy()));
                }
            }
            o.remove("$schema");
            o.remove("$id");
            o.remove("title");
        }
        return rewrite(schema);
    }

    private static JsonNode rewrite(JsonNode n) {
        if (n instanceof ObjectNode o) {
            JsonNode ref = o.get("$ref");
            if (ref != null && ref.isTextual() && ref.asText().startsWith("#/$defs/")) {
                o.put("$ref", "#/components/schemas/Event_" + ref.asText().substring("#/$defs/".length()));
            }
            o.fields().forEachRemaining(e -> rewrite(e.getValue()));
        } else if (n != null && n.isArray()) {
            n.forEach(OpenApi::rewrite);
        }
        return n;
    }

    private static JsonNode read() {
        try (InputStream in = OpenApi.class.getResourceAsStream("/dev/herald/api/openapi.json")) {
            if (in == null) throw new IllegalStateException("openapi.json is missing from the jar");
            return Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("openapi.json is not JSON", e);
        }
    }
}
