package dev.herald.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.Herald;
import dev.herald.api.HttpServer;
import dev.herald.config.HeraldConfig;
import dev.herald.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * A real Herald with its real HTTP API on a free loopback port, on a fresh database, with an admin key and one
 * organization (with its own key) ready. Close it after the test class.
 */
public final class TestApp implements AutoCloseable {
    public final Herald herald;
    public final HttpServer http;
    public final String adminKey;
    public final UUID orgId;
    public final String orgKey;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A response: status and parsed JSON body (null when the body is not JSON). */
    public record Response(int status, JsonNode body, String raw) {
        public String errorCode() {
            return body == null ? null : body.path("error").path("code").asText(null);
        }
    }

    public TestApp(HeraldConfig config) {
        this.herald = Herald.open(config);
        this.http = herald.serveHttp();
        this.adminKey = herald.keys().create(null, "test admin").secret();
        var org = herald.organizations().create("Test Org", null, false, null);
        this.orgId = org.id();
        this.orgKey = herald.keys().create(orgId, "test org").secret();
    }

    public TestApp() {
        this(TestPostgres.freshConfig());
    }

    public static TestApp start(Map<String, String> overrides) {
        return new TestApp(TestPostgres.freshConfig(overrides));
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + http.port();
    }

    public Response call(String method, String path, String key, Object body) {
        return call(method, path, key, body, java.util.Map.of());
    }

    /** A call with extra request headers (e.g. Idempotency-Key). */
    public Response call(String method, String path, String key, Object body, java.util.Map<String, String> headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(60));
            if (key != null) b.header("Authorization", "Bearer " + key);
            headers.forEach(b::header);
            String payload = body == null ? null : body instanceof String s ? s : Json.mapper().writeValueAsString(body);
            b.method(method, payload == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(payload));
            if (payload != null) b.header("Content-Type", "application/json");
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            try {
                json = r.body().isEmpty() ? null : Json.mapper().readTree(r.body());
            } catch (Exception notJson) {
                // leave null
            }
            return new Response(r.statusCode(), json, r.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Response get(String path, String key) { return call("GET", path, key, null); }

    /** Runs one SQL statement in its own transaction, as any writer would (the triggers run). */
    public void sql(String statement, Object... params) {
        herald.db().write("Test.SQL", c -> {
            try (var ps = c.prepareStatement(statement)) {
                for (int i = 0; i < params.length; i++) ps.setObject(i + 1, params[i]);
                return ps.execute();
            }
        });
    }

    public Response post(String path, String key, Object body) { return call("POST", path, key, body); }

    public Response patch(String path, String key, Object body) { return call("PATCH", path, key, body); }

    @Override
    public void close() {
        http.close();
        herald.close();
    }
}
