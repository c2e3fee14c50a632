package dev.herald.contacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.json.Json;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How Herald authenticates to a contact's webhook besides the signature: static headers, or an OAuth2
 * client-credentials token. Values hold secrets: {@link #toString} and {@link #publicView} never show them.
 */
public sealed interface OutboundAuth {
    /** Static headers sent with every request. */
    record Headers(Map<String, String> headers) implements OutboundAuth {
        @Override
        public String toString() { return "Headers" + headers.keySet(); }
    }

    /** OAuth2 client credentials: a token is fetched from {@code tokenUrl} and sent as {@code Authorization: Bearer}. */
    record OAuth2(String tokenUrl, String clientId, String clientSecret, String scope) implements OutboundAuth {
        @Override
        public String toString() { return "OAuth2[" + tokenUrl + " client " + clientId + "]"; }
    }

    Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");
    Set<String> RESERVED = Set.of("host", "content-length", "content-type", "transfer-encoding", "connection", "upgrade",
            "expect", "webhook-id", "webhook-timestamp", "webhook-signature", "user-agent");

    /** Parses and validates stored or submitted auth; {@link IllegalArgumentException} with a message that never repeats a secret. */
    static OutboundAuth parse(JsonNode node) {
        if (node == null || node.isNull()) return null;
        if (!node.isObject()) throw new IllegalArgumentException("outbound_auth must be an object");
        String type = node.path("type").asText("");
        switch (type) {
            case "headers" -> {
                allowOnly(node, Set.of("type", "headers"));
                JsonNode h = node.get("headers");
                if (h == null || !h.isObject() || h.isEmpty()) {
                    throw new IllegalArgumentException("outbound_auth.headers must be a non-empty object of header names to values");
                }
                if (h.size() > 20) throw new IllegalArgumentException("outbound_auth.headers: at most 20 headers");
                Map<String, String> headers = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
                    var e = it.next();
                    String name = e.getKey();
                    if (!TOKEN.matcher(name).matches()) throw new IllegalArgumentException("outbound_auth.headers: '" + name + "' is not a valid header name");
                    if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                        throw new IllegalArgumentException("outbound_auth.headers: '" + name + "' is set by Herald and cannot be overridden");
                    }
                    if (!e.getValue().isTextual()) throw new IllegalArgumentException("outbound_auth.headers: value of '" + name + "' must be a string");
                    String v = e.getValue().asText();
                    if (v.length() > 4096 || v.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
                        throw new IllegalArgumentException("outbound_auth.headers: value of '" + name + "' must be at most 4096 characters without control characters");
                    }
                    headers.put(name, v);
                }
                return new Headers(Map.copyOf(headers));
            }
            case "oauth2" -> {
                allowOnly(node, Set.of("type", "token_url", "client_id", "client_secret", "scope"));
                String url = text(node, "token_url", true);
                String id = text(node, "client_id", true);
                String secret = text(node, "client_secret", true);
                String scope = text(node, "scope", false);
                return new OAuth2(url, id, secret, scope);
            }
            default -> throw new IllegalArgumentException("outbound_auth.type must be 'headers' or 'oauth2'");
        }
    }

    /** The stored form (with secrets): what the database holds. */
    default JsonNode toStored() {
        ObjectNode n = Json.mapper().createObjectNode();
        switch (this) {
            case Headers h -> {
                n.put("type", "headers");
                ObjectNode hs = n.putObject("headers");
                h.headers().forEach(hs::put);
            }
            case OAuth2 o -> {
                n.put("type", "oauth2").put("token_url", o.tokenUrl()).put("client_id", o.clientId()).put("client_secret", o.clientSecret());
                if (o.scope() != null) n.put("scope", o.scope());
            }
        }
        return n;
    }

    /** What the API may show: the kind, header names, token URL, client id and scope; never a value or secret. */
    default JsonNode publicView() {
        ObjectNode n = Json.mapper().createObjectNode();
        switch (this) {
            case Headers h -> {
                n.put("type", "headers");
                var names = n.putArray("header_names");
                h.headers().keySet().stream().sorted().forEach(names::add);
            }
            case OAuth2 o -> {
                n.put("type", "oauth2").put("token_url", o.tokenUrl()).put("client_id", o.clientId());
                if (o.scope() != null) n.put("scope", o.scope());
            }
        }
        return n;
    }

    /**
     * {@link #publicView} of the stored form without reading its values, which are sealed at rest (and longer than a
     * submitted value may be): the kind, header names, token URL, client id and scope.
     */
    static JsonNode publicViewOfStored(JsonNode stored) {
        ObjectNode n = Json.mapper().createObjectNode();
        String type = stored.path("type").asText("");
        n.put("type", type);
        if (type.equals("headers")) {
            var names = n.putArray("header_names");
            java.util.List<String> list = new java.util.ArrayList<>();
            stored.path("headers").fieldNames().forEachRemaining(list::add);
            list.stream().sorted().forEach(names::add);
        } else if (type.equals("oauth2")) {
            n.put("token_url", stored.path("token_url").asText()).put("client_id", stored.path("client_id").asText());
            if (stored.hasNonNull("scope")) n.put("scope", stored.get("scope").asText());
        }
        return n;
    }

    private static void allowOnly(JsonNode node, Set<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) throw new IllegalArgumentException("outbound_auth: unknown field '" + f + "'");
        }
    }

    private static String text(JsonNode node, String field, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) throw new IllegalArgumentException("outbound_auth." + field + " is required for oauth2");
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank() || v.asText().length() > 2048) {
            throw new IllegalArgumentException("outbound_auth." + field + " must be a non-empty string of at most 2048 characters");
        }
        return v.asText();
    }
}
