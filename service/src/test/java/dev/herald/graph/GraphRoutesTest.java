package dev.herald.graph;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testing.TestApp;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** POST/DELETE /dependencies and POST /dependencies/resolve over real HTTP, including tenant isolation. */
class GraphRoutesTest {
    static TestApp app;
    static UUID org2;
    static String key2;

    @BeforeAll
    static void setUp() {
        app = TestApp.start(Map.of("api.bulk-max-ids", "5", "graph.max-distance-cap", "50"));
        org2 = app.herald.organizations().create("Other Org", null, false, null).id();
        key2 = app.herald.keys().create(org2, "other").secret();
    }

    @AfterAll
    static void tearDown() {
        app.close();
    }

    /** Inserts a live record of {@code type} in {@code org} directly (the records API is another feature). */
    static Map<String, Object> record(UUID org, String type) {
        UUID id = UUID.randomUUID();
        try (Connection c = app.herald.db().openDedicated()) {
            UUID loc = UUID.randomUUID();
            exec(c, "INSERT INTO locations (id, organization_id, lat, lon) VALUES (?, ?, 1, 2)", loc, org);
            switch (type) {
                case "incident" -> exec(c, "INSERT INTO incidents (id, organization_id, location_id, kind, severity) VALUES (?, ?, ?, 'power', 3)", id, org, loc);
                case "intel_request" -> exec(c, "INSERT INTO intel_requests (id, organization_id, question) VALUES (?, ?, 'q?')", id, org);
                case "asset" -> {
                    UUID t = UUID.randomUUID();
                    exec(c, "INSERT INTO asset_types (id, organization_id, name) VALUES (?, ?, ?)", t, org, "t" + t);
                    exec(c, "INSERT INTO assets (id, organization_id, asset_type_id, location_id, name) VALUES (?, ?, ?, ?, 'a')", id, org, t, loc);
                }
                default -> throw new IllegalArgumentException(type);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return Map.of("type", type, "id", id.toString());
    }

    static void exec(Connection c, String sql, Object... args) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            ps.executeUpdate();
        }
    }

    static Map<String, Object> edge(Object b, Object d) { return Map.of("blocker", b, "dependent", d); }

    @Test
    void createResolveAndDeleteEdges() {
        var inc = record(app.orgId, "incident");
        var ir1 = record(app.orgId, "intel_request");
        var ir2 = record(app.orgId, "intel_request");
        var asset = record(app.orgId, "asset");
        assertThat(app.post("/dependencies", app.orgKey, edge(inc, ir1)).status()).isEqualTo(201);
        assertThat(app.post("/dependencies", app.orgKey, edge(ir1, ir2)).status()).isEqualTo(201);
        assertThat(app.post("/dependencies", app.orgKey, edge(ir2, asset)).status()).isEqualTo(201);
        assertThat(app.post("/dependencies", app.orgKey, edge(inc, ir2)).status()).isEqualTo(201); // diamond
        assertThat(app.post("/dependencies", app.orgKey, edge(asset, inc)).status()).isEqualTo(201); // cycle

        var dup = app.post("/dependencies", app.orgKey, edge(inc, ir1));
        assertThat(dup.status()).isEqualTo(409);
        assertThat(dup.errorCode()).isEqualTo("conflict");

        var r = app.post("/dependencies/resolve", app.orgKey, Map.of("roots", List.of(inc), "direction", "dependents", "with_path", true));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().path("max_distance").asInt()).isEqualTo(5); // graph.default-max-distance
        JsonNode nodes = r.body().path("results").get(0).path("nodes");
        assertThat(distances(nodes)).containsExactlyInAnyOrder(ir1.get("id") + "=1", ir2.get("id") + "=1", asset.get("id") + "=2");
        assertThat(distances(nodes).get(2)).as("sorted by distance").endsWith("=2");
        assertThat(nodes.get(2).path("path")).hasSize(3);
        assertThat(nodes.get(2).path("path").get(0).path("id").asText()).isEqualTo(inc.get("id"));

        var typed = app.post("/dependencies/resolve", app.orgKey, Map.of("roots", List.of(inc), "types", List.of("asset")));
        assertThat(distances(typed.body().path("results").get(0).path("nodes"))).containsExactly(asset.get("id") + "=2");

        var blockers = app.post("/dependencies/resolve", app.orgKey, Map.of("roots", List.of(asset), "direction", "blockers", "max_distance", 1));
        assertThat(distances(blockers.body().path("results").get(0).path("nodes"))).containsExactly(ir2.get("id") + "=1");

        assertThat(app.call("DELETE", "/dependencies", app.orgKey, edge(inc, ir2)).status()).isEqualTo(204);
        assertThat(app.call("DELETE", "/dependencies", app.orgKey, edge(inc, ir2)).status()).isEqualTo(404);
        var after = app.post("/dependencies/resolve", app.orgKey, Map.of("roots", List.of(inc)));
        assertThat(distances(after.body().path("results").get(0).path("nodes")))
                .containsExactly(ir1.get("id") + "=1", ir2.get("id") + "=2", asset.get("id") + "=3");
        assertThat(app.post("/dependencies", app.orgKey, edge(inc, ir2)).status()).as("re-created after a soft delete").isEqualTo(201);
    }

    static List<String> distances(JsonNode nodes) {
        List<String> out = new ArrayList<>();
        nodes.forEach(n -> out.add(n.path("id").asText() + "=" + n.path("distance").asInt()));
        return out;
    }

    @Test
    void badEdgesAreRefused() {
        var ir = record(app.orgId, "intel_request");
        var missing = Map.of("type", "incident", "id", UUID.randomUUID().toString());
        assertThat(app.post("/dependencies", app.orgKey, edge(ir, ir)).status()).isEqualTo(422);
        assertThat(app.post("/dependencies", app.orgKey, edge(missing, ir)).status()).isEqualTo(422);
        assertThat(app.post("/dependencies", app.orgKey, edge(ir, Map.of("type", "intel_request", "id", ir.get("id").toString().replace('-', '0')))).status())
                .isEqualTo(400);
        var unknownType = app.post("/dependencies", app.orgKey, edge(ir, Map.of("type", "spaceship", "id", UUID.randomUUID().toString())));
        assertThat(unknownType.status()).isEqualTo(400);
        assertThat(unknownType.body().path("error").path("message").asText()).contains("spaceship");
        assertThat(app.post("/dependencies", app.orgKey, Map.of("blocker", ir)).status()).isEqualTo(400);
        assertThat(app.post("/dependencies", null, edge(ir, missing)).status()).isEqualTo(401);
    }

    @Test
    void badResolutionsAreRefused() {
        var ir = record(app.orgId, "intel_request");
        assertThat(app.post("/dependencies/resolve", app.orgKey, Map.of("roots", List.of())).status()).isEqualTo(422);
        assertThat(app.post("/dependencies/resolve", app.orgKey, Map.of("roots", List.of(ir, ir, ir, ir, ir, ir))).status()).isEqualTo(422);
        assertThat(app.post("/dependencies/resolve", app.orgKey, Map.of("roots", List.of(ir), "max_distance", 0)).status()).isEqualTo(422);
        assertThat(app.post("/dependencies/resolve", app.orgKey, Map.of("roots", List.of(ir), "max_distance", 51)).status()).isEqualTo(422);
        assertThat(app.post("/dependencies/resolve", app.orgKey, Map.of("roots", List.of(ir), "max_distance", 50)).status()).isEqualTo(200);
        assertThat(app.post("/dependencies/resolve", app.orgKey, Map.of("roots", List.of(ir), "direction", "sideways")).status()).isEqualTo(400);
        assertThat(app.post("/dependencies/resolve", app.orgKey, Map.of("roots", List.of(ir), "types", List.of("nope"))).status()).isEqualTo(400);
        assertThat(app.post("/dependencies/resolve", app.orgKey, Map.of("roots", List.of(ir), "bogus", 1)).status()).isEqualTo(400);
        var missing = Map.of("type", "asset", "id", UUID.randomUUID().toString());
        assertThat(app.post("/dependencies/resolve", app.orgKey, Map.of("roots", List.of(missing))).status()).isEqualTo(404);
    }

    @Test
    void anotherOrganizationsRecordsAnswerAsMissingOnesEverywhere() {
        var mine = record(app.orgId, "intel_request");
        var mine2 = record(app.orgId, "intel_request");
        var theirs = record(org2, "intel_request");
        var theirs2 = record(org2, "asset");
        assertThat(app.post("/dependencies", key2, edge(theirs, theirs2)).status()).isEqualTo(201);
        assertThat(app.post("/dependencies", app.orgKey, edge(mine, mine2)).status()).isEqualTo(201);

        // writes naming another organization's record, from either side: answered exactly as a record that does not
        // exist (422 naming the side), so the answer does not tell whether someone else's id exists
        Map<String, Object> missing = Map.of("type", "intel_request", "id", UUID.randomUUID().toString());
        for (var pair : List.of(List.of(edge(mine, theirs), edge(mine, missing)), List.of(edge(theirs, mine), edge(missing, mine)))) {
            var other = app.post("/dependencies", app.orgKey, pair.get(0));
            var absent = app.post("/dependencies", app.orgKey, pair.get(1));
            assertThat(other.status()).isEqualTo(422).isEqualTo(absent.status());
            assertThat(other.errorCode()).isEqualTo(absent.errorCode());
            assertThat(other.body().path("error").path("message").asText().replaceAll("[0-9a-f-]{36}", "ID"))
                    .isEqualTo(absent.body().path("error").path("message").asText().replaceAll("[0-9a-f-]{36}", "ID"));
        }
        var delete = app.call("DELETE", "/dependencies", app.orgKey, edge(theirs, theirs2));
        assertThat(delete.status()).isEqualTo(404);
        assertThat(delete.raw()).doesNotContain("asset\"");
        // resolution of another organization's root, alone or among mine
        var r = app.post("/dependencies/resolve", app.orgKey, Map.of("roots", List.of(theirs)));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.raw()).doesNotContain(theirs2.get("id").toString());
        assertThat(app.post("/dependencies/resolve", app.orgKey, Map.of("roots", List.of(mine, theirs))).status()).isEqualTo(404);
        // an org key naming another organization explicitly
        assertThat(app.post("/dependencies/resolve", app.orgKey, Map.of("roots", List.of(theirs), "organization_id", org2.toString())).status()).isEqualTo(404);

        // the other organization still has its edge and sees only its own graph
        var own = app.post("/dependencies/resolve", key2, Map.of("roots", List.of(theirs)));
        assertThat(distances(own.body().path("results").get(0).path("nodes"))).containsExactly(theirs2.get("id") + "=1");
        assertThat(app.post("/dependencies/resolve", key2, Map.of("roots", List.of(mine))).status()).isEqualTo(404);
        assertThat(app.call("DELETE", "/dependencies", key2, edge(mine, mine2)).status()).isEqualTo(404);
        var mineStill = app.post("/dependencies/resolve", app.orgKey, Map.of("roots", List.of(mine)));
        assertThat(distances(mineStill.body().path("results").get(0).path("nodes"))).containsExactly(mine2.get("id") + "=1");

        // an admin key acts on the organization it names
        assertThat(app.post("/dependencies/resolve", app.adminKey, Map.of("roots", List.of(theirs))).status()).isEqualTo(400);
        assertThat(app.post("/dependencies/resolve", app.adminKey, Map.of("roots", List.of(theirs), "organization_id", org2.toString())).status()).isEqualTo(200);
        assertThat(app.post("/dependencies/resolve", app.adminKey, Map.of("roots", List.of(theirs), "organization_id", app.orgId.toString())).status()).isEqualTo(404);
    }

    @Test
    void theOrganizationsOwnMaxDistanceIsTheDefault() {
        UUID org3 = app.herald.organizations().create("Short", 1, false, null).id();
        String key3 = app.herald.keys().create(org3, "short").secret();
        var a = record(org3, "intel_request");
        var b = record(org3, "intel_request");
        var c = record(org3, "intel_request");
        app.post("/dependencies", key3, edge(a, b));
        app.post("/dependencies", key3, edge(b, c));
        var r = app.post("/dependencies/resolve", key3, Map.of("roots", List.of(a)));
        assertThat(r.body().path("max_distance").asInt()).isEqualTo(1);
        assertThat(distances(r.body().path("results").get(0).path("nodes"))).containsExactly(b.get("id") + "=1");
    }
}
