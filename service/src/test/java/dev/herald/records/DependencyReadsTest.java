package dev.herald.records;

import static dev.herald.records.Fixtures.map;
import static dev.herald.records.RecordsApiTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.HttpServer;
import dev.herald.graph.DependencyResolver;
import dev.herald.graph.Direction;
import dev.herald.graph.Edge;
import dev.herald.graph.NodeRef;
import dev.herald.graph.Reached;
import dev.herald.graph.RecordType;
import dev.herald.testing.TestApp;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency options of the record reads on a real graph: direct, recursive, direction, max_distance (request,
 * organization default), types, soft-deleted edges, and one resolution for a whole bulk call.
 */
class DependencyReadsTest {
    static TestApp app;
    static Fixtures f;
    static UUID loc, inc, asset, intel1, intel2, intel3, intel4;

    @BeforeAll
    static void start() {
        app = new TestApp();
        f = new Fixtures(app, app.orgKey);
        loc = f.location();
        inc = f.incident(loc);
        asset = f.asset(f.assetType("tower"), loc);
        intel1 = f.intel(null);
        intel2 = f.intel(intel1);
        intel3 = f.intel(intel2);
        intel4 = f.intel(null);
        edge(app, app.orgKey, "incident", inc, "intel_request", intel1);
        edge(app, app.orgKey, "incident", inc, "asset", asset);
        edge(app, app.orgKey, "intel_request", intel1, "intel_request", intel2);
        edge(app, app.orgKey, "intel_request", intel2, "intel_request", intel3);
        edge(app, app.orgKey, "intel_request", intel1, "intel_request", intel3); // diamond: intel3 at distance 2
        edge(app, app.orgKey, "intel_request", intel3, "incident", inc);         // cycle back to the root
        edge(app, app.orgKey, "incident", inc, "intel_request", intel4);
        var del = app.call("DELETE", "/dependencies", app.orgKey, edgeBody("incident", inc, "intel_request", intel4));
        assertThat(del.status()).as(del.raw()).isEqualTo(204);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static Map<String, Object> edgeBody(String bt, UUID b, String dt, UUID d) {
        return map("blocker", map("type", bt, "id", b), "dependent", map("type", dt, "id", d));
    }

    static void edge(TestApp app, String key, String bt, UUID b, String dt, UUID d) {
        var r = app.post("/dependencies", key, edgeBody(bt, b, dt, d));
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
    }

    /** id -> distance of the "dependencies" member. */
    static Map<String, Integer> nodes(JsonNode record) {
        Map<String, Integer> m = new TreeMap<>();
        record.get("dependencies").get("nodes").forEach(n -> m.put(n.get("type").asText() + ":" + n.get("id").asText(), n.get("distance").asInt()));
        return m;
    }

    static String k(String type, UUID id) { return type + ":" + id; }

    JsonNode getOk(String path) {
        var r = app.get(path, app.orgKey);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.body();
    }

    @Test
    void directAndRecursiveDependentsOfAnIncident() {
        JsonNode direct = getOk("/incidents/" + inc + "?dependencies=direct");
        assertThat(direct.get("id").asText()).isEqualTo(inc.toString());
        assertThat(nodes(direct)).isEqualTo(Map.of(k("intel_request", intel1), 1, k("asset", asset), 1));
        assertThat(direct.get("dependencies").get("nodes").get(0).has("created")).isTrue();

        JsonNode rec = getOk("/incidents/" + inc + "?dependencies=recursive");
        assertThat(rec.get("dependencies").get("max_distance").asInt()).isEqualTo(5);
        assertThat(nodes(rec)).isEqualTo(Map.of(k("intel_request", intel1), 1, k("asset", asset), 1,
                k("intel_request", intel2), 2, k("intel_request", intel3), 2));
        assertThat(nodes(getOk("/incidents/" + inc + "?dependencies=recursive&max_distance=1")))
                .isEqualTo(Map.of(k("intel_request", intel1), 1, k("asset", asset), 1));
        assertThat(nodes(getOk("/incidents/" + inc + "?dependencies=recursive&types=asset"))).isEqualTo(Map.of(k("asset", asset), 1));
        assertThat(nodes(getOk("/incidents/" + inc + "?dependencies=direct&types=asset"))).isEqualTo(Map.of(k("asset", asset), 1));
    }

    @Test
    void blockersOfAnIntelRequest() {
        JsonNode blockers = getOk("/intel-requests/" + intel3 + "?dependencies=recursive&direction=blockers");
        assertThat(nodes(blockers)).isEqualTo(Map.of(k("intel_request", intel2), 1, k("intel_request", intel1), 1, k("incident", inc), 2));
        JsonNode direct = getOk("/intel-requests/" + intel3 + "?dependencies=direct&direction=blockers");
        assertThat(nodes(direct)).isEqualTo(Map.of(k("intel_request", intel2), 1, k("intel_request", intel1), 1));
        assertThat(nodes(getOk("/intel-requests/" + intel4 + "?dependencies=recursive&direction=blockers"))).as("deleted edge").isEmpty();
    }

    @Test
    void organizationDefaultMaxDistanceApplies() {
        var org = app.herald.organizations().create("Shallow", 1, false, null);
        String key = app.herald.keys().create(org.id(), "shallow").secret();
        Fixtures g = new Fixtures(app, key);
        UUID a = g.intel(null), b = g.intel(a), c = g.intel(b);
        edge(app, key, "intel_request", a, "intel_request", b);
        edge(app, key, "intel_request", b, "intel_request", c);
        var r = app.get("/intel-requests/" + a + "?dependencies=recursive", key);
        assertThat(r.body().get("dependencies").get("max_distance").asInt()).isEqualTo(1);
        assertThat(nodes(r.body())).isEqualTo(Map.of(k("intel_request", b), 1));
        assertThat(nodes(app.get("/intel-requests/" + a + "?dependencies=recursive&max_distance=2", key).body()))
                .isEqualTo(Map.of(k("intel_request", b), 1, k("intel_request", c), 2));
        // another organization's record: 404 with dependencies asked for too
        assertThat(app.get("/intel-requests/" + a + "?dependencies=recursive", app.orgKey).status()).isEqualTo(404);
        assertThat(app.get("/incidents/" + inc + "?dependencies=direct", key).status()).isEqualTo(404);
        // an admin bulk call across organizations cannot resolve within one organization
        assertError(app.post("/intel-requests/bulk?dependencies=recursive", app.adminKey, map("ids", List.of(a, intel1))), 422, "organizations");
        assertThat(app.post("/intel-requests/bulk", app.adminKey, map("ids", List.of(a, intel1))).status()).isEqualTo(200);
    }

    @Test
    void aBulkCallResolvesAllItsRecordsInOneCall() {
        AtomicInteger resolves = new AtomicInteger(), directs = new AtomicInteger();
        DependencyResolver real = app.herald.graph();
        DependencyResolver counting = new DependencyResolver() {
            @Override
            public Map<NodeRef, List<Reached>> resolve(UUID org, Collection<NodeRef> roots, Direction d, int max, Set<RecordType> types, boolean withPath) {
                resolves.incrementAndGet();
                return real.resolve(org, roots, d, max, types, withPath);
            }

            @Override
            public List<Edge> direct(UUID org, NodeRef node, Direction d) {
                directs.incrementAndGet();
                return real.direct(org, node, d);
            }
        };
        var routes = app.herald.intelRequests().routes(new Dependencies(counting, app.herald.organizations(), app.herald.settings().graph()),
                app.herald.settings().api());
        try (HttpServer server = HttpServer.start(app.herald.settings().http(), app.herald.metrics(), app.herald.keys(), app.herald::health, List.of(routes))) {
            TestApp.Response r = callOn(server, "/intel-requests/bulk?dependencies=recursive", map("ids", List.of(intel1, intel2, intel3)));
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            assertThat(resolves.get()).isEqualTo(1);
            JsonNode items = r.body().get("items");
            assertThat(nodes(items.get(0))).isEqualTo(Map.of(k("intel_request", intel2), 1, k("intel_request", intel3), 1, k("incident", inc), 2,
                    k("asset", asset), 3));
            assertThat(nodes(items.get(1))).containsEntry(k("intel_request", intel3), 1).containsEntry(k("incident", inc), 2);
            assertThat(nodes(items.get(2))).containsEntry(k("incident", inc), 1).containsEntry(k("intel_request", intel1), 2);
            TestApp.Response direct = callOn(server, "/intel-requests/bulk?dependencies=direct", map("ids", List.of(intel1, intel2)));
            assertThat(resolves.get()).isEqualTo(2);
            assertThat(directs.get()).as("never one lookup per record").isZero();
            assertThat(nodes(direct.body().get("items").get(0))).isEqualTo(Map.of(k("intel_request", intel2), 1, k("intel_request", intel3), 1));
        }
    }

    static TestApp.Response callOn(HttpServer server, String path, Object body) {
        try {
            var client = java.net.http.HttpClient.newHttpClient();
            var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + server.port() + path))
                    .header("Authorization", "Bearer " + app.orgKey).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(dev.herald.json.Json.mapper().writeValueAsString(body))).build();
            var resp = client.send(req, java.net.http.HttpResponse.BodyHandlers.ofString());
            return new TestApp.Response(resp.statusCode(), dev.herald.json.Json.mapper().readTree(resp.body()), resp.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
