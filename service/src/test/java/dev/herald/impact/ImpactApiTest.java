package dev.herald.impact;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import dev.herald.testing.TestApp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Impact through the API: an incident reaching an asset through an intel request (impact.started with its path),
 * GET /assets/{id}/impact and GET /impact with each scope parameter and pagination, the refusals (another
 * organization's record answers like a missing one, hops above the cap), and the incident's resolution ending in
 * impact.ended and impact.cleared.
 */
class ImpactApiTest {
    static TestApp app;
    static String key, otherKey;
    static UUID org;

    @BeforeAll
    static void start() {
        app = TestApp.start(Map.of("graph.max-distance-cap", "10"));
        key = app.orgKey;
        org = app.orgId;
        UUID other = app.herald.organizations().create("Other", null, false, null).id();
        otherKey = app.herald.keys().create(other, "other").secret();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static String create(String path, String k, Object body) {
        var r = app.post(path, k, body);
        assertThat(r.status()).as(path + " " + r.raw()).isEqualTo(201);
        return r.body().path("id").asText();
    }

    static void edge(String bt, String b, String dt, String d) {
        var r = app.post("/dependencies", key, Map.of("blocker", Map.of("type", bt, "id", b), "dependent", Map.of("type", dt, "id", d)));
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
    }

    @Test
    void startedWithPathReadableInScopeThenClearedOnResolution() {
        String north = create("/locations", key, Map.of("lat", 1.0, "lon", 2.0, "region", "north"));
        String south = create("/locations", key, Map.of("lat", 1.0, "lon", 2.0, "region", "south"));
        String tower = create("/asset-types", key, Map.of("name", "tower"));
        String store = create("/asset-types", key, Map.of("name", "store"));
        String a1 = create("/assets", key, Map.of("asset_type_id", tower, "location_id", north, "name", "Tower 1"));
        String a2 = create("/assets", key, Map.of("asset_type_id", store, "location_id", south, "name", "Store 2"));
        String a3 = create("/assets", key, Map.of("asset_type_id", tower, "location_id", south, "name", "Tower 3 (never reached)"));
        String q = create("/intel-requests", key, Map.of("question", "on generator?"));
        String inc = create("/incidents", key, Map.of("location_id", north, "kind", "power", "severity", 3));
        create("/outages", key, Map.of("incident_id", inc, "location_id", north, "utility", "u", "estimated_restoration", "2027-01-02T03:04:05Z"));
        edge("incident", inc, "intel_request", q);
        edge("intel_request", q, "asset", a1);
        edge("asset", a1, "asset", a2);
        app.herald.impact().applyPending(); // reads are as of the last apply (no applier runs here: no consumers)

        var one = app.get("/assets/" + a1 + "/impact", key);
        assertThat(one.status()).as(one.raw()).isEqualTo(200);
        assertThat(one.body().path("subject").path("name").asText()).isEqualTo("Tower 1");
        assertThat(one.body().path("estimated_restoration").asText()).isEqualTo("2027-01-02T03:04:05.000000Z");
        JsonNode impact = one.body().path("impacts").get(0);
        assertThat(impact.path("distance").asInt()).isEqualTo(2);
        assertThat(hops(impact.path("path"))).containsExactly("incident:" + inc, "intel_request:" + q, "asset:" + a1);
        assertThat(one.body().path("sequence").asLong()).isPositive();
        var never = app.get("/assets/" + a3 + "/impact", key);
        assertThat(never.status()).isEqualTo(200);
        assertThat(never.body().path("impacts")).isEmpty();

        assertThat(subjects("")).containsExactlyInAnyOrder("asset:" + a1, "asset:" + a2, "intel_request:" + q);
        assertThat(subjects("&asset_types=" + tower)).containsExactly("asset:" + a1);
        assertThat(subjects("&regions=south")).containsExactly("asset:" + a2);
        assertThat(subjects("&subjects=intel_request:" + q + ",asset:" + a3)).containsExactly("intel_request:" + q);
        assertThat(subjects("&within=asset:" + a1 + "&hops=1")).containsExactlyInAnyOrder("asset:" + a1, "asset:" + a2);
        assertThat(subjects("&within=incident:" + inc + "&hops=1")).containsExactly("intel_request:" + q);
        // pages of 1, counted
        List<String> paged = new ArrayList<>();
        String cursor = null;
        do {
            var r = app.get("/impact?limit=1&count=true" + (cursor == null ? "" : "&cursor=" + cursor), key);
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            assertThat(r.body().path("total").asInt()).isEqualTo(3);
            r.body().path("items").forEach(i -> paged.add(i.path("subject").path("id").asText()));
            cursor = r.body().path("has_more").asBoolean() ? r.body().path("next_cursor").asText() : null;
        } while (cursor != null);
        assertThat(paged).hasSize(3).doesNotHaveDuplicates();

        // the events, as the log holds them
        List<JsonNode> events = events(a1);
        assertThat(events).extracting(e -> e.path("type").asText()).containsExactly("impact.started");
        assertThat(hops(events.get(0).path("data").path("path"))).containsExactly("incident:" + inc, "intel_request:" + q, "asset:" + a1);

        var resolved = app.patch("/incidents/" + inc, key, Map.of("status", "resolved"));
        assertThat(resolved.status()).as(resolved.raw()).isEqualTo(200);
        app.herald.impact().applyPending();
        events = events(a1);
        assertThat(events).extracting(e -> e.path("type").asText()).containsExactly("impact.started", "impact.ended", "impact.cleared");
        assertThat(events.get(1).path("data").path("reason").asText()).isEqualTo("incident_resolved");
        assertThat(events).extracting(e -> e.path("data").path("sequence").asLong()).containsExactly(1L, 2L, 3L);
        assertThat(subjects("")).isEmpty();
        assertThat(app.get("/assets/" + a1 + "/impact", key).body().path("sequence").asLong()).isEqualTo(3);
    }

    @Test
    void refusals() {
        String loc = create("/locations", otherKey, Map.of("lat", 1.0, "lon", 2.0));
        String type = create("/asset-types", otherKey, Map.of("name", "t"));
        String theirs = create("/assets", otherKey, Map.of("asset_type_id", type, "location_id", loc, "name", "theirs"));
        String missing = UUID.randomUUID().toString();
        var a = app.get("/impact?subjects=asset:" + theirs, key);
        var b = app.get("/impact?subjects=asset:" + missing, key);
        assertThat(a.status()).as(a.raw()).isEqualTo(422);
        assertThat(a.raw()).isEqualTo(b.raw());
        assertThat(a.body().path("error").path("message").asText()).contains("subjects");
        assertThat(app.get("/impact?within=asset:" + theirs + "&hops=2", key).raw()).isEqualTo(app.get("/impact?within=asset:" + missing + "&hops=2", key).raw());
        assertThat(app.get("/impact?asset_types=" + type, key).status()).isEqualTo(422);
        assertThat(app.get("/assets/" + theirs + "/impact", key).status()).isEqualTo(404);
        var far = app.get("/impact?within=location:" + loc + "&hops=2", key);
        assertThat(far.status()).as(far.raw()).isEqualTo(400);
        String mine = create("/intel-requests", key, Map.of("question", "q"));
        var tooFar = app.get("/impact?within=intel_request:" + mine + "&hops=11", key);
        assertThat(tooFar.status()).isEqualTo(422);
        assertThat(tooFar.body().path("error").path("message").asText()).contains("graph.max-distance-cap");
        assertThat(app.get("/impact?within=intel_request:" + mine + "&hops=x", key).status()).isEqualTo(400);
        assertThat(app.get("/impact?hops=2", key).status()).isEqualTo(400);
        assertThat(app.get("/impact?subjects=incident:" + missing, key).status()).isEqualTo(400);
        assertThat(app.get("/impact?subjects=asset:nope", key).status()).isEqualTo(400);
        assertThat(app.get("/impact?within=intel_request:" + mine + "&hops=3", key).status()).isEqualTo(200);
    }

    static List<String> hops(JsonNode path) {
        List<String> out = new ArrayList<>();
        path.forEach(h -> out.add(h.path("type").asText() + ":" + h.path("id").asText()));
        return out;
    }

    static List<String> subjects(String query) {
        var r = app.get("/impact?limit=1000" + query, key);
        assertThat(r.status()).as(query + " " + r.raw()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        r.body().path("items").forEach(i -> out.add(i.path("subject").path("type").asText() + ":" + i.path("subject").path("id").asText()));
        return out;
    }

    static List<JsonNode> events(String assetId) {
        return app.herald.db().read("test.events", c -> {
            List<JsonNode> out = new ArrayList<>();
            try (var ps = c.prepareStatement("SELECT type, data::text FROM impact_events WHERE subject_id = ?::uuid ORDER BY id")) {
                ps.setString(1, assetId);
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        var o = Json.mapper().createObjectNode();
                        o.put("type", rs.getString(1));
                        o.set("data", Json.readStored(rs.getString(2), "event"));
                        out.add(o);
                    }
                }
            }
            return out;
        });
    }
}
