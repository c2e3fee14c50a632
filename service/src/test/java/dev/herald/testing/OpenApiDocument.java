package dev.herald.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Validates a real HTTP answer against Herald's served OpenAPI document: the schema of the operation's response for that
 * status (or the document's error responses), resolved inside the document itself (its root, with a {@code $ref} to the
 * response's schema, is the JSON Schema handed to the validator, so {@code #/components/...} references resolve).
 */
public final class OpenApiDocument {
    private final JsonNode doc;

    public OpenApiDocument(JsonNode doc) {
        this.doc = doc;
    }

    public JsonNode json() {
        return doc;
    }

    /** The validation errors of {@code body} as the answer of {@code method template} with {@code status}; empty when valid. */
    public List<String> errors(String method, String template, int status, JsonNode body) {
        String pointer = "/paths/" + escape(template) + "/" + method.toLowerCase(java.util.Locale.ROOT) + "/responses/" + status;
        JsonNode response = doc.at(pointer);
        if (response.isMissingNode()) return List.of("the document has no response " + status + " for " + method + " " + template);
        if (response.has("$ref")) pointer = response.get("$ref").asText().substring(1);
        String schemaPointer = pointer + "/content/application~1json/schema";
        if (doc.at(schemaPointer).isMissingNode()) {
            return body == null || body.isMissingNode() || body.isNull() ? List.of() : List.of("the document declares no body for " + pointer);
        }
        return errorsAt(schemaPointer, body);
    }

    /** The validation errors of {@code instance} against the schema at JSON pointer {@code pointer} in the document. */
    public List<String> errorsAt(String pointer, JsonNode instance) {
        ObjectNode schema = doc.deepCopy();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("$ref", "#" + pointer);
        return JsonSchemas.errors(schema, instance);
    }

    private static String escape(String path) {
        return path.replace("~", "~0").replace("/", "~1");
    }
}
