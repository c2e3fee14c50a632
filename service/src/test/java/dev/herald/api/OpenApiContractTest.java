package dev.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.events.EventCatalog;
import dev.herald.events.EventType;
import dev.herald.json.Json;
import dev.herald.testing.OpenApiDocument;
import dev.herald.testing.TestApp;
import io.javalin.http.Handler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document is the contract: every route Herald registers is in it and every path in it is routed; real
 * answers (successes and errors) validate against its schemas with a real JSON Schema validator; its webhooks are the
 * event catalog; it and the rendered reference need no key.
 */
class OpenApiContractTest {
    static TestApp app;
    static OpenApiDocument doc;

    @BeforeAll
    static void start() throws Exception {
        app = TestApp.start(Map.of("delivery.allow-private-targets", "true"));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/openapi.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("no key needed").isEqualTo(200);
        doc = new OpenApiDocument(Json.mapper().readTree(r.body()));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static Set<String> registered() {
        Set<String> routes = new TreeSet<>(List.of("GET /health", "GET /health/live", "GET /metrics"));
        Router recorder = new Router() {
            @Override public void get(String path, Handler h) { routes.add("GET " + path); }
            @Override public void post(String path, Handler h) { routes.add("POST " + path); }
            @Override public void patch(String path, Handler h) { routes.add("PATCH " + path); }
            @Override public void put(String path, Handler h) { routes.add("PUT " + path); }
            @Override public void delete(String path, Handler h) { routes.add("DELETE " + path); }
        };
        app.herald.routes().forEach(r -> r.register(recorder));
        return routes;
    }

    @Test
    void everyRegisteredRouteIsDocumentedAndEveryDocumentedPathIsRouted() {
        Set<String> documented = new TreeSet<>();
        doc.json().get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
                .forEachRemaining(m -> documented.add(m.toUpperCase(java.util.Locale.ROOT) + " " + p.getKey())));
        assertThat(documented).isEqualTo(registered());
        assertThat(doc.json().get("openapi").asText()).isEqualTo("3.1.0");
    }

    @Test
    void theWebhooksAreTheEventCatalogAndARealEnvelopeValidates() {
        Set<String> hooks = new TreeSet<>();
        doc.json().get("webhooks").fieldNames().forEachRemaining(hooks::add);
        Set<String> catalog = new TreeSet<>();
        EventCatalog.standard().types().forEach(t -> catalog.add(t.type()));
        assertThat(hooks).isEqualTo(catalog);
        for (EventType t : EventCatalog.standard().types()) {
            var envelope = Json.mapper().createObjectNode().put("type", t.type()).put("timestamp", "2026-12-04T10:00:00.123456Z");
            envelope.set("data", t.example());
            String pointer = "/webhooks/" + t.type() + "/post/requestBody/content/application~1json/schema";
            assertThat(doc.errorsAt(pointer, envelope)).as(t.type()).isEmpty();
            envelope.put("type", "something.else");
            assertThat(doc.errorsAt(pointer, envelope)).as("the type is fixed per webhook").isNotEmpty();
        }
    }

    record Call(String method, String template, String path, String key, Object body) {}

    JsonNode check(List<String> failures, String method, String template, String path, String key, Object body) {
        TestApp.Response r = app.call(method, path, key, body);
        List<String> errors = doc.errors(method, template, r.status(), r.body());
        if (!errors.isEmpty()) failures.add(method + " " + path + " -> " + r.status() + ": " + errors + " in " + r.raw());
        return r.body();
    }

    @Test
    void realAnswersValidateAgainstTheDocumentsSchemas() throws Exception {
        List<String> f = new ArrayList<>();
        String admin = app.adminKey;
        JsonNode org = check(f, "POST", "/organizations", "/organizations", admin, Map.of("name", "OpenAPI " + UUID.randomUUID()));
        String o = org.get("id").asText();
        JsonNode created = check(f, "POST", "/api-keys", "/api-keys", admin, Map.of("organization_id", o, "label", "oa", "scope", "write"));
        String k = created.get("api_key").asText();
        check(f, "GET", "/api-keys", "/api-keys?organization_id=" + o, admin, null);
        check(f, "GET", "/organizations/{id}", "/organizations/" + o, k, null);
        check(f, "PATCH", "/organizations/{id}", "/organizations/" + o, k, Map.of("retry_schedule", List.of("0s", "5s")));
        String l = check(f, "POST", "/locations", "/locations", k, Map.of("lat", 51.5, "lon", -0.1, "region", "London")).get("id").asText();
        check(f, "GET", "/locations/{id}", "/locations/" + l, k, null);
        check(f, "GET", "/locations", "/locations?count=true", k, null);
        String at = check(f, "POST", "/asset-types", "/asset-types", k, Map.of("name", "tower")).get("id").asText();
        check(f, "GET", "/asset-types", "/asset-types", k, null);
        String a = check(f, "POST", "/assets", "/assets", k, Map.of("asset_type_id", at, "location_id", l, "name", "T")).get("id").asText();
        check(f, "GET", "/assets/{id}", "/assets/" + a + "?dependencies=direct", k, null);
        check(f, "GET", "/assets", "/assets", k, null);
        check(f, "POST", "/assets/bulk", "/assets/bulk", k, Map.of("ids", List.of(a)));
        String i = check(f, "POST", "/incidents", "/incidents", k, Map.of("location_id", l, "kind", "power", "severity", 3)).get("id").asText();
        check(f, "PATCH", "/incidents/{id}", "/incidents/" + i, k, Map.of("severity", 4));
        check(f, "GET", "/incidents", "/incidents", k, null);
        String ou = check(f, "POST", "/outages", "/outages", k, Map.of("incident_id", i, "utility", "Grid")).get("id").asText();
        check(f, "PATCH", "/outages/{id}", "/outages/" + ou, k, Map.of("estimated_restoration", "2030-01-01T00:00:00Z"));
        String io = check(f, "POST", "/internet-outages", "/internet-outages", k, Map.of("incident_id", i, "provider", "Net")).get("id").asText();
        check(f, "PATCH", "/internet-outages/{id}", "/internet-outages/" + io, k, Map.of("service", "fibre"));
        String ir = check(f, "POST", "/intel-requests", "/intel-requests", k, Map.of("question", "q?")).get("id").asText();
        check(f, "PATCH", "/intel-requests/{id}", "/intel-requests/" + ir, k, Map.of("status", "answered"));
        check(f, "GET", "/intel-requests/{id}", "/intel-requests/" + ir, k, null);
        check(f, "GET", "/intel-requests", "/intel-requests", k, null);
        check(f, "POST", "/intel-requests/bulk", "/intel-requests/bulk", k, Map.of("ids", List.of(ir)));
        Map<String, Object> edge = Map.of("blocker", Map.of("type", "incident", "id", i), "dependent", Map.of("type", "asset", "id", a));
        check(f, "POST", "/dependencies", "/dependencies", k, edge);
        check(f, "POST", "/dependencies/resolve", "/dependencies/resolve", k, Map.of("roots", List.of(Map.of("type", "incident", "id", i))));
        check(f, "GET", "/incidents/{id}", "/incidents/" + i + "?dependencies=recursive", k, null);
        check(f, "GET", "/incidents/current", "/incidents/current", k, null);
        check(f, "GET", "/incidents/current/{id}", "/incidents/current/" + i, k, null);
        check(f, "GET", "/impact", "/impact?count=true", k, null);
        check(f, "GET", "/assets/{id}/impact", "/assets/" + a + "/impact", k, null);
        String c = check(f, "POST", "/organizations/{id}/contacts", "/organizations/" + o + "/contacts", k, Map.of("channel", "webhook",
                "target", "http://127.0.0.1:9/h", "subscription", Map.of("types", List.of("incident.*")), "operational", true)).get("id").asText();
        check(f, "GET", "/organizations/{id}/contacts", "/organizations/" + o + "/contacts", k, null);
        check(f, "GET", "/organizations/{id}/contacts/{contactId}", "/organizations/" + o + "/contacts/" + c, k, null);
        check(f, "GET", "/contacts/{id}", "/contacts/" + c, k, null);
        check(f, "PATCH", "/contacts/{id}", "/contacts/" + c, k, Map.of("name", "m"));
        check(f, "POST", "/contacts/{id}/test", "/contacts/" + c + "/test", k, Map.of());
        check(f, "POST", "/contacts/{id}/secret/rotate", "/contacts/" + c + "/secret/rotate", k, Map.of());
        check(f, "POST", "/contacts/{id}/enable", "/contacts/" + c + "/enable", k, Map.of());
        check(f, "POST", "/contacts/{id}/recover", "/contacts/" + c + "/recover", k, Map.of("since", "2026-01-01T00:00:00Z"));
        check(f, "GET", "/deliveries", "/deliveries?count=true", k, null);
        check(f, "POST", "/work-units/redrive", "/work-units/redrive", k, Map.of("contact_id", c));
        check(f, "GET", "/event-types", "/event-types", k, null);
        check(f, "GET", "/event-types/{type}", "/event-types/incident.opened", k, null);
        check(f, "PUT", "/organizations/{id}/templates/{name}", "/organizations/" + o + "/templates/email_subject", k, Map.of("template", "[x] {{ event }}"));
        check(f, "GET", "/organizations/{id}/templates/{name}", "/organizations/" + o + "/templates/email_subject", k, null);
        check(f, "DELETE", "/organizations/{id}/templates/{name}", "/organizations/" + o + "/templates/email_subject", k, null);
        check(f, "GET", "/audit-log", "/audit-log?organization_id=" + o, admin, null);
        check(f, "DELETE", "/dependencies", "/dependencies", k, edge);
        check(f, "DELETE", "/outages/{id}", "/outages/" + ou, k, null);
        check(f, "DELETE", "/internet-outages/{id}", "/internet-outages/" + io, k, null);
        check(f, "DELETE", "/intel-requests/{id}", "/intel-requests/" + ir, k, null);
        check(f, "DELETE", "/incidents/{id}", "/incidents/" + i, k, null);
        check(f, "DELETE", "/contacts/{id}", "/contacts/" + c, k, null);
        String k2 = check(f, "POST", "/api-keys", "/api-keys", k, Map.of("label", "r", "scope", "read")).get("id").asText();
        check(f, "DELETE", "/api-keys/{id}", "/api-keys/" + k2, k, null);
        check(f, "GET", "/health", "/health", null, null);
        // Errors have the documented shape too.
        check(f, "GET", "/incidents/{id}", "/incidents/" + UUID.randomUUID(), k, null);
        check(f, "POST", "/incidents", "/incidents", k, Map.of("kind", "x"));
        check(f, "GET", "/organizations/{id}", "/organizations/" + o, null, null);
        check(f, "POST", "/dependencies", "/dependencies", k, "not json");
        assertThat(f).isEmpty();
    }

    @Test
    void theReferenceIsServedFromTheJarWithoutAKeyOrInlineScript() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/docs")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'").doesNotContain("unsafe-inline' ;");
        assertThat(page.body()).contains("/webjars/swagger-ui/" + OpenApiRoutes.SWAGGER_UI + "/swagger-ui-bundle.js").doesNotContain("<script>");
        HttpResponse<String> bundle = http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/webjars/swagger-ui/" + OpenApiRoutes.SWAGGER_UI
                + "/swagger-ui-bundle.js")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bundle.statusCode()).isEqualTo(200);
        assertThat(bundle.body().length()).isGreaterThan(100_000);
    }
}
