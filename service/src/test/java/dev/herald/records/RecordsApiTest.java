package dev.herald.records;

import static dev.herald.records.Fixtures.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.PageRequest;
import dev.herald.testing.TestApp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The record API's reads and writes on a real Herald: values, changes, soft deletes, pagination, bad input. */
class RecordsApiTest {
    static TestApp app;
    static Fixtures f;

    @BeforeAll
    static void start() {
        app = TestApp.start(Map.of("api.bulk-max-ids", "3"));
        f = new Fixtures(app, app.orgKey);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    TestApp.Response patch(String path, Object body) { return app.call("PATCH", path, app.orgKey, body); }

    @Test
    void incidentLifecycleBumpsVersionOnlyOnRealChanges() {
        UUID loc = f.location();
        UUID id = f.incident(loc);
        var got = app.get("/incidents/" + id, app.orgKey);
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.body().get("organization_id").asText()).isEqualTo(app.orgId.toString());
        assertThat(got.body().get("status").asText()).isEqualTo("open");
        assertThat(got.body().get("version").asLong()).isEqualTo(1);
        assertThat(got.body().get("resolved_at").isNull()).isTrue();

        var resolved = patch("/incidents/" + id, map("status", "resolved", "severity", 5));
        assertThat(resolved.status()).isEqualTo(200);
        assertThat(resolved.body().get("version").asLong()).isEqualTo(2);
        assertThat(resolved.body().get("severity").asInt()).isEqualTo(5);
        assertThat(resolved.body().get("resolved_at").isNull()).isFalse();

        var same = patch("/incidents/" + id, map("status", "resolved"));
        assertThat(same.body().get("version").asLong()).as("no change, no bump").isEqualTo(2);

        var reopened = patch("/incidents/" + id, map("status", "open", "title", null));
        assertThat(reopened.body().get("version").asLong()).isEqualTo(3);
        assertThat(reopened.body().get("resolved_at").isNull()).isTrue();
        assertThat(reopened.body().get("title").isNull()).isTrue();

        UUID loc2 = f.location();
        assertThat(patch("/incidents/" + id, map("location_id", loc2)).body().get("location_id").asText()).isEqualTo(loc2.toString());

        assertThat(app.call("DELETE", "/incidents/" + id, app.orgKey, null).status()).isEqualTo(204);
        assertThat(app.get("/incidents/" + id, app.orgKey).status()).isEqualTo(404);
        assertThat(app.call("DELETE", "/incidents/" + id, app.orgKey, null).status()).isEqualTo(404);
        assertThat(patch("/incidents/" + id, map("severity", 1)).status()).isEqualTo(404);
    }

    @Test
    void badValuesAre422AndWriteNothing() {
        UUID loc = f.location();
        long before = count("/incidents");
        assertError(app.post("/incidents", app.orgKey, map("location_id", loc, "kind", "power", "severity", 7)), 422, "severity");
        assertError(app.post("/incidents", app.orgKey, map("location_id", loc, "kind", "flood", "severity", 2)), 422, "kind");
        assertError(app.post("/incidents", app.orgKey, map("kind", "power", "severity", 2)), 422, "location_id");
        assertError(app.post("/incidents", app.orgKey, map("location_id", UUID.randomUUID(), "kind", "power", "severity", 2)), 422, "location_id");
        assertError(app.post("/incidents", app.orgKey, map("location_id", "nope", "kind", "power", "severity", 2)), 400, "location_id");
        assertError(app.post("/incidents", app.orgKey, map("location_id", loc, "kind", "power", "severity", 2, "colour", "red")), 400, "colour");
        assertThat(count("/incidents")).isEqualTo(before);

        assertError(app.post("/locations", app.orgKey, map("lat", 91, "lon", 0)), 422, "lat");
        assertError(app.post("/locations", app.orgKey, map("lon", 0)), 422, "lat");
        UUID inc = f.incident(loc);
        assertError(patch("/incidents/" + inc, map()), 422, "nothing to change");
        assertError(patch("/incidents/" + inc, map("severity", null)), 422, "severity");
        assertError(patch("/incidents/" + inc, map("status", "closed")), 422, "status");
        assertError(patch("/incidents/" + inc, map("location_id", UUID.randomUUID())), 422, "location_id");
        assertThat(app.get("/incidents/" + inc, app.orgKey).body().get("version").asLong()).isEqualTo(1);
        assertError(app.get("/incidents/not-a-uuid", app.orgKey), 400, "id must be a UUID");
        assertError(app.get("/incidents?status=maybe", app.orgKey), 400, "status");
        assertError(app.post("/outages", app.orgKey, map("incident_id", inc, "utility", "x", "customers_affected", -1)), 422, "customers_affected");
        assertError(app.post("/outages", app.orgKey, map("incident_id", inc, "utility", "x", "estimated_restoration", "soon")), 400, "estimated_restoration");
        assertError(app.post("/intel-requests", app.orgKey, map("question", "q", "status", "pending")), 422, "status");
        assertError(app.post("/intel-requests", app.orgKey, map("question", "q", "parent_id", UUID.randomUUID())), 422, "parent_id");
        assertError(app.post("/intel-requests", app.orgKey, map("question", "  ")), 422, "question");
        f.assetType("router");
        assertError(app.post("/asset-types", app.orgKey, map("name", "router")), 409, "router");
        assertError(app.post("/locations", app.adminKey, map("lat", 1, "lon", 1)), 400, "organization_id");
        assertError(app.post("/locations", app.adminKey, map("organization_id", UUID.randomUUID(), "lat", 1, "lon", 1)), 422, "organization_id");
    }

    @Test
    void outagesAndInternetOutagesChangeAndSoftDelete() {
        UUID inc = f.incident(f.location());
        UUID out = f.outage(inc);
        var p = patch("/outages/" + out, map("customers_affected", 50, "estimated_restoration", "2030-01-01T10:00:00Z"));
        assertThat(p.status()).as(p.raw()).isEqualTo(200);
        assertThat(p.body().get("customers_affected").asInt()).isEqualTo(50);
        assertThat(p.body().get("estimated_restoration").asText()).startsWith("2030-01-01T10:00");
        var cleared = patch("/outages/" + out, map("estimated_restoration", null));
        assertThat(cleared.body().get("estimated_restoration").isNull()).isTrue();
        assertThat(cleared.body().get("customers_affected").asInt()).as("absent field unchanged").isEqualTo(50);
        assertThat(app.call("DELETE", "/outages/" + out, app.orgKey, null).status()).isEqualTo(204);
        assertThat(patch("/outages/" + out, map("customers_affected", 1)).status()).isEqualTo(404);

        UUID net = f.internetOutage(inc);
        var np = patch("/internet-outages/" + net, map("service", "fiber"));
        assertThat(np.status()).as(np.raw()).isEqualTo(200);
        assertThat(np.body().get("service").asText()).isEqualTo("fiber");
        assertThat(np.body().get("provider").asText()).isEqualTo("DT");
        assertError(patch("/internet-outages/" + net, map("provider", null)), 422, "provider");
        assertThat(app.call("DELETE", "/internet-outages/" + net, app.orgKey, null).status()).isEqualTo(204);
        assertThat(app.call("DELETE", "/internet-outages/" + net, app.orgKey, null).status()).isEqualTo(404);

        assertThat(app.call("DELETE", "/incidents/" + inc, app.orgKey, null).status()).isEqualTo(204);
        assertError(app.post("/outages", app.orgKey, map("incident_id", inc, "utility", "x")), 422, "incident_id");
    }

    @Test
    void assetsComeWithTypeAndLocationAndBulkKeepsOrder() {
        UUID loc = f.location();
        UUID type = f.assetType("tower");
        UUID a1 = f.asset(type, loc);
        UUID a2 = f.asset(type, loc);
        var one = app.get("/assets/" + a1, app.orgKey);
        assertThat(one.body().get("asset_type").get("name").asText()).isEqualTo("tower");
        assertThat(one.body().get("location").get("locality").asText()).isEqualTo("Berlin");
        var bulk = app.post("/assets/bulk", app.orgKey, map("ids", List.of(a2, a1, a2)));
        assertThat(bulk.status()).isEqualTo(200);
        assertThat(bulk.body().get("items")).hasSize(2);
        assertThat(bulk.body().get("items").get(0).get("id").asText()).isEqualTo(a2.toString());
        UUID missing = UUID.randomUUID();
        assertError(app.post("/assets/bulk", app.orgKey, map("ids", List.of(a1, missing))), 404, missing.toString());
        assertError(app.post("/assets/bulk", app.orgKey, map("ids", List.of())), 422, "ids");
        assertError(app.post("/assets/bulk", app.orgKey, map("ids", List.of(a1, a2, loc, type))), 422, "api.bulk-max-ids");
        assertError(app.post("/assets/bulk", app.orgKey, map("ids", List.of("x"))), 400, "ids");
        assertError(app.post("/assets", app.orgKey, map("asset_type_id", loc, "location_id", loc, "name", "n")), 422, "asset_type_id");
    }

    @Test
    void intelRequestsChangeAndBulk() {
        UUID parent = f.intel(null);
        UUID child = f.intel(parent);
        var got = app.get("/intel-requests/" + child, app.orgKey);
        assertThat(got.body().get("parent_id").asText()).isEqualTo(parent.toString());
        var p = patch("/intel-requests/" + child, map("status", "answered", "question", "still on generator?"));
        assertThat(p.body().get("status").asText()).isEqualTo("answered");
        assertThat(p.body().get("question").asText()).isEqualTo("still on generator?");
        var bulk = app.post("/intel-requests/bulk", app.orgKey, map("ids", List.of(child, parent)));
        assertThat(bulk.body().get("items").get(1).get("id").asText()).isEqualTo(parent.toString());
        var answered = app.get("/intel-requests?status=answered&count=true", app.orgKey);
        assertThat(answered.body().get("total").asLong()).isEqualTo(1);
        assertThat(app.call("DELETE", "/intel-requests/" + child, app.orgKey, null).status()).isEqualTo(204);
        assertError(app.post("/intel-requests/bulk", app.orgKey, map("ids", List.of(child))), 404, child.toString());
        assertError(app.post("/intel-requests", app.orgKey, map("question", "q", "parent_id", child)), 422, "parent_id");
    }

    @Test
    void listsPageWithCursorAndCountIncludingTheEmptyPageFallback() {
        var org = app.herald.organizations().create("Pager", null, false, null);
        String key = app.herald.keys().create(org.id(), "pager").secret();
        var empty = app.get("/locations?count=true", key);
        assertThat(empty.body().get("total").asLong()).isZero();
        assertThat(empty.body().get("items")).isEmpty();
        Fixtures g = new Fixtures(app, key);
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) created.add(g.location().toString());
        created.sort(String::compareTo);
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var r = app.get("/locations?limit=2&count=true" + (cursor == null ? "" : "&cursor=" + cursor), key);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body().get("total").asLong()).isEqualTo(5);
            r.body().get("items").forEach(n -> seen.add(n.get("id").asText()));
            cursor = r.body().get("has_more").asBoolean() ? r.body().get("next_cursor").asText() : null;
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(created);
        var past = app.get("/locations?count=true&cursor=" + PageRequest.encode("ffffffff-ffff-ffff-ffff-ffffffffffff"), key);
        assertThat(past.body().get("items")).isEmpty();
        assertThat(past.body().get("total").asLong()).as("fallback count on an empty page").isEqualTo(5);
        assertThat(app.get("/locations", key).body().has("total")).isFalse();
        assertError(app.get("/locations?limit=1001", key), 422, "limit");
        assertError(app.get("/locations?cursor=" + PageRequest.encode("junk"), key), 400, "cursor");
        assertError(app.get("/locations", app.adminKey), 400, "organization_id");
        assertThat(app.get("/locations?organization_id=" + org.id(), app.adminKey).body().get("items")).hasSize(5);
    }

    @Test
    void dependencyOptionsAreValidatedWithPreciseMessages() {
        UUID inc = f.incident(f.location());
        UUID intel = f.intel(null);
        for (String base : List.of("/incidents/" + inc, "/intel-requests/" + intel)) {
            assertError(app.get(base + "?dependencies=sideways", app.orgKey), 400, "dependencies must be none, direct or recursive");
            assertError(app.get(base + "?dependencies=recursive&direction=up", app.orgKey), 400, "direction must be dependents or blockers");
            assertError(app.get(base + "?dependencies=recursive&max_distance=0", app.orgKey), 422, "max_distance must be between 1 and 100");
            assertError(app.get(base + "?dependencies=recursive&max_distance=101", app.orgKey), 422, "got 101");
            assertError(app.get(base + "?dependencies=recursive&max_distance=-3", app.orgKey), 422, "got -3");
            assertError(app.get(base + "?dependencies=recursive&max_distance=two", app.orgKey), 400, "max_distance must be a whole number");
            assertError(app.get(base + "?dependencies=recursive&types=intel_request,widget", app.orgKey), 400, "unknown record type 'widget'");
            assertThat(app.get(base + "?dependencies=none", app.orgKey).body().has("dependencies")).isFalse();
        }
        assertError(app.post("/intel-requests/bulk?dependencies=recursive&max_distance=500", app.orgKey, map("ids", List.of(intel))), 422, "max_distance");
    }

    long count(String path) {
        return app.get(path + "?count=true", app.orgKey).body().get("total").asLong();
    }

    static void assertError(TestApp.Response r, int status, String messagePart) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.body().get("error").get("message").asText()).as(r.raw()).contains(messagePart);
    }
}
