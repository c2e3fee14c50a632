package dev.herald.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Herald's HTTP API as the console calls it: on the address and port the console's own request came in on, with the
 * signed-in key, so every read and action is authorized, validated and audited exactly as the API does it. One shared
 * client; thread-safe.
 */
final class ConsoleApi {
    /** An answer of the API: status and JSON body (an error body is {@code {"error": {"code", "message"}}}). */
    record Answer(int status, JsonNode body) {
        boolean ok() { return status / 100 == 2; }

        String error() { return body.path("error").path("message").asText("HTTP " + status); }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Duration timeout;

    ConsoleApi(Duration timeout) {
        this.timeout = timeout;
    }

    Answer get(Context ctx, String key, String path, Map<String, String> query) {
        return send(ctx, key, "GET", path + query(query), null);
    }

    Answer post(Context ctx, String key, String path, Object body) {
        return send(ctx, key, "POST", path, body);
    }

    private Answer send(Context ctx, String key, String method, String path, Object body) {
        String host = ctx.req().getLocalAddr();
        if (host.contains(":")) host = "[" + host + "]";
        URI uri = URI.create("http://" + host + ":" + ctx.req().getLocalPort() + path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).header("Authorization", "Bearer " + key)
                .header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(Json.write(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = r.body() == null || r.body().isBlank() ? Json.mapper().createObjectNode() : Json.mapper().readTree(r.body());
            return new Answer(r.statusCode(), json);
        } catch (IOException e) {
            return new Answer(503, Json.mapper().createObjectNode().putObject("error").put("message", "the API did not answer: " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(503, Json.mapper().createObjectNode().putObject("error").put("message", "interrupted"));
        }
    }

    static String query(Map<String, String> q) {
        StringJoiner j = new StringJoiner("&", "?", "");
        j.setEmptyValue("");
        q.forEach((k, v) -> {
            if (v != null && !v.isBlank()) j.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
        return j.toString();
    }
}
