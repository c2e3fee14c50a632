package dev.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import dev.herald.testing.TestApp;
import io.javalin.http.Handler;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every route answers another organization's record exactly as it answers a record that does not exist: same status,
 * same error code, same message once the id is blanked out, same body shape. Walks every route the API registers
 * (a route added later without a case here fails {@link #everyRegisteredRouteIsWalked}), with organization B's key and
 * organization A's ids — in the path, in the body, as {@code organization_id} — against random ids of the same kind.
 */
class CrossTenantRouteAuditTest {
    static TestApp app;
    static String keyA;
    static String keyB;
    static UUID orgA;
    static UUID orgB;
    /** A's records by kind; {@code own.*} are B's, used where a body needs a valid id besides the one under test. */
    static final Map<String, String> ids = new LinkedHashMap<>();

    record Route(String method, String path) {}

    /** One probe: a path and body where {@code {X}} is replaced by A's id of {@code kind} or by a random UUID. */
    record Probe(String method, String path, String kind, Object body) {}

    @BeforeAll
    static void start() {
        app = TestApp.start(Map.of("delivery.allow-private-targets", "true"));
        orgA = app.herald.organizations().create("Audit A " + UUID.randomUUID(), null, false, null).id();
        orgB = app.herald.organizations().create("Audit B " + UUID.randomUUID(), null, false, null).id();
        keyA = app.herald.keys().create(orgA, "audit A").secret();
        keyB = app.herald.keys().create(orgB, "audit B").secret();
        ids.put("org", orgA.toString());
        ids.put("own.org", orgB.toString());
        ids.put("api_key", app.herald.keys().list(orgA, 10).get(0).id().toString());
        ids.put("contact", create("/organizations/" + orgA + "/contacts", keyA, Map.of("channel", "webhook", "target", "http://127.0.0.1:9/hook")));
        ids.put("location", create("/locations", keyA, Map.of("lat", 1.0, "lon", 2.0)));
        ids.put("own.location", create("/locations", keyB, Map.of("lat", 1.0, "lon", 2.0)));
        ids.put("asset_type", create("/asset-types", keyA, Map.of("name", "tower")));
        ids.put("own.asset_type", create("/asset-types", keyB, Map.of("name", "tower")));
        ids.put("asset", create("/assets", keyA, Map.of("asset_type_id", ids.get("asset_type"), "location_id", ids.get("location"), "name", "a")));
        ids.put("incident", create("/incidents", keyA, Map.of("location_id", ids.get("location"), "kind", "power", "severity", 2)));
        ids.put("own.incident", create("/incidents", keyB, Map.of("location_id", ids.get("own.location"), "kind", "power", "severity", 2)));
        ids.put("outage", create("/outages", keyA, Map.of("incident_id", ids.get("incident"), "location_id", ids.get("location"), "utility", "u")));
        ids.put("internet_outage", create("/internet-outages", keyA, Map.of("incident_id", ids.get("incident"), "provider", "p")));
        ids.put("intel_request", create("/intel-requests", keyA, Map.of("question", "q?")));
        assertThat(app.post("/dependencies", keyA, Map.of("blocker", Map.of("type", "asset", "id", ids.get("asset")),
                "dependent", Map.of("type", "incident", "id", ids.get("incident")))).status()).isEqualTo(201);
        ids.put("work_unit", app.herald.db().read("Test.UNIT", c -> {
            try (var ps = c.prepareStatement("SELECT id FROM work_units WHERE organization_id = ? LIMIT 1")) {
                ps.setObject(1, orgA);
                try (var rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        }));
        assertThat(ids.get("work_unit")).as("the incident queued a unit for A's contact").isNotNull();
        ids.put("delivery", UUID.randomUUID().toString());
        app.herald.db().write("Test.DELIVERY", c -> {
            try (var ps = c.prepareStatement("INSERT INTO deliveries (id, organization_id, work_unit_id, contact_id, idempotency_key, channel, status) "
                    + "VALUES (?::uuid, ?, ?::uuid, ?::uuid, ?, 'webhook', 'failed')")) {
                ps.setString(1, ids.get("delivery"));
                ps.setObject(2, orgA);
                ps.setString(3, ids.get("work_unit"));
                ps.setString(4, ids.get("contact"));
                ps.setString(5, ids.get("work_unit") + ":" + ids.get("contact"));
                return ps.executeUpdate();
            }
        });
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static String create(String path, String key, Object body) {
        var r = app.post(path, key, body);
        assertThat(r.status()).as(path + " " + r.raw()).isEqualTo(201);
        return r.body().path("id").asText();
    }

    static Map<String, Object> node(String type, String id) {
        return Map.of("type", type, "id", id);
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    /** The probes of every route; deletions last, so a leak would not hide the cases after it. */
    static Map<Route, List<Probe>> probes() {
        String X = "{X}";
        Map<Route, List<Probe>> p = new LinkedHashMap<>();
        java.util.function.BiConsumer<Route, Probe> add = (r, probe) -> p.computeIfAbsent(r, k -> new ArrayList<>()).add(probe);
        java.util.function.Function<String, Route> get = path -> new Route("GET", path);
        // reads by id
        for (String[] r : new String[][] {{"/assets/{id}", "asset"}, {"/incidents/{id}", "incident"}, {"/incidents/current/{id}", "incident"},
                {"/intel-requests/{id}", "intel_request"}, {"/locations/{id}", "location"}, {"/organizations/{id}", "org"},
                {"/organizations/{id}/contacts", "org"}, {"/work-units/{id}", "work_unit"}, {"/contacts/{id}", "contact"},
                {"/deliveries/{id}/attempts", "delivery"}}) {
            add.accept(get.apply(r[0]), new Probe("GET", r[0].replace("{id}", X), r[1], null));
        }
        add.accept(get.apply("/organizations/{id}/contacts/{contactId}"),
                new Probe("GET", "/organizations/" + orgB + "/contacts/" + X, "contact", null));
        add.accept(get.apply("/organizations/{id}/contacts/{contactId}"),
                new Probe("GET", "/organizations/" + X + "/contacts/" + UUID.randomUUID(), "org", null));
        add.accept(get.apply("/organizations/{id}/templates/{name}"), new Probe("GET", "/organizations/" + X + "/templates/webhook_body", "org", null));
        // lists, asked for A's organization
        for (String list : new String[] {"/asset-types", "/assets", "/deliveries", "/incidents", "/incidents/current", "/intel-requests", "/locations"}) {
            add.accept(get.apply(list), new Probe("GET", list + "?organization_id=" + X, "org", null));
        }
        // impact: A's asset by id (404 like a missing one), A's records in a scope (422 like missing ones), A's organization
        add.accept(get.apply("/assets/{id}/impact"), new Probe("GET", "/assets/" + X + "/impact", "asset", null));
        add.accept(get.apply("/impact"), new Probe("GET", "/impact?organization_id=" + X, "org", null));
        add.accept(get.apply("/impact"), new Probe("GET", "/impact?subjects=asset:" + X, "asset", null));
        add.accept(get.apply("/impact"), new Probe("GET", "/impact?subjects=intel_request:" + X, "intel_request", null));
        add.accept(get.apply("/impact"), new Probe("GET", "/impact?within=incident:" + X + "&hops=2", "incident", null));
        add.accept(get.apply("/impact"), new Probe("GET", "/impact?asset_types=" + X, "asset_type", null));
        add.accept(get.apply("/impact"), new Probe("GET", "/impact?contact_id=" + X, "contact", null));
        // creations that name A's records or organization
        add.accept(new Route("POST", "/assets"), new Probe("POST", "/assets", "asset_type", map("asset_type_id", X, "location_id", ids.get("own.location"), "name", "n")));
        add.accept(new Route("POST", "/assets"), new Probe("POST", "/assets", "location", map("asset_type_id", ids.get("own.asset_type"), "location_id", X, "name", "n")));
        add.accept(new Route("POST", "/assets/bulk"), new Probe("POST", "/assets/bulk", "asset", map("ids", List.of(X))));
        add.accept(new Route("POST", "/intel-requests/bulk"), new Probe("POST", "/intel-requests/bulk", "intel_request", map("ids", List.of(X))));
        add.accept(new Route("POST", "/incidents"), new Probe("POST", "/incidents", "location", map("location_id", X, "kind", "power", "severity", 2)));
        add.accept(new Route("POST", "/intel-requests"), new Probe("POST", "/intel-requests", "intel_request", map("parent_id", X, "question", "q")));
        add.accept(new Route("POST", "/internet-outages"), new Probe("POST", "/internet-outages", "incident", map("incident_id", X, "provider", "p")));
        add.accept(new Route("POST", "/outages"), new Probe("POST", "/outages", "incident", map("incident_id", X, "location_id", ids.get("own.location"), "utility", "u")));
        add.accept(new Route("POST", "/outages"), new Probe("POST", "/outages", "location", map("incident_id", ids.get("own.incident"), "location_id", X, "utility", "u")));
        add.accept(new Route("POST", "/dependencies"), new Probe("POST", "/dependencies", "asset",
                map("blocker", node("asset", X), "dependent", node("incident", ids.get("own.incident")))));
        add.accept(new Route("POST", "/dependencies"), new Probe("POST", "/dependencies", "incident",
                map("blocker", node("incident", ids.get("own.incident")), "dependent", node("incident", X))));
        add.accept(new Route("POST", "/dependencies/resolve"), new Probe("POST", "/dependencies/resolve", "incident", map("roots", List.of(node("incident", X)))));
        add.accept(new Route("POST", "/organizations/{id}/contacts"), new Probe("POST", "/organizations/" + X + "/contacts", "org",
                map("channel", "email", "target", "ops@example.com")));
        add.accept(new Route("POST", "/work-units/{id}/redrive"), new Probe("POST", "/work-units/" + X + "/redrive", "work_unit", map()));
        add.accept(new Route("POST", "/organizations"), new Probe("POST", "/organizations", "org", map("name", "n", "organization_id", X)));
        add.accept(new Route("POST", "/work-units/redrive"), new Probe("POST", "/work-units/redrive", "contact", map("contact_id", X)));
        add.accept(new Route("POST", "/organizations/{id}/contacts"), new Probe("POST", "/organizations/" + ids.get("own.org") + "/contacts", "intel_request",
                map("channel", "email", "target", "x@example.com", "subscription", map("types", List.of("intel_request.*"), "intel_request_ids", List.of(X)))));
        add.accept(new Route("POST", "/api-keys"), new Probe("POST", "/api-keys", "org", map("organization_id", X, "scope", "read")));
        add.accept(get.apply("/api-keys"), new Probe("GET", "/api-keys?organization_id=" + X, "org", null));
        add.accept(get.apply("/audit-log"), new Probe("GET", "/audit-log?organization_id=" + X, "org", null));
        add.accept(new Route("POST", "/work-units/redrive"), new Probe("POST", "/work-units/redrive", "org", map("organization_id", X)));
        add.accept(new Route("POST", "/contacts/{id}/enable"), new Probe("POST", "/contacts/" + X + "/enable", "contact", map()));
        add.accept(new Route("POST", "/contacts/{id}/recover"), new Probe("POST", "/contacts/" + X + "/recover", "contact",
                map("since", java.time.OffsetDateTime.now().minusHours(1).toString())));
        add.accept(new Route("POST", "/contacts/{id}/test"), new Probe("POST", "/contacts/" + X + "/test", "contact", map()));
        add.accept(new Route("POST", "/contacts/{id}/secret/rotate"), new Probe("POST", "/contacts/" + X + "/secret/rotate", "contact", map()));
        for (String[] r : new String[][] {{"/assets", "asset_type_id", "own.asset_type"}, {"/asset-types", null, null}, {"/locations", null, null},
                {"/incidents", "location_id", "own.location"}, {"/intel-requests", null, null}}) {
            Map<String, Object> body = switch (r[0]) {
                case "/assets" -> map("asset_type_id", ids.get("own.asset_type"), "location_id", ids.get("own.location"), "name", "n");
                case "/asset-types" -> map("name", "t" + UUID.randomUUID());
                case "/locations" -> map("lat", 1.0, "lon", 1.0);
                case "/incidents" -> map("location_id", ids.get("own.location"), "kind", "power", "severity", 2);
                default -> map("question", "q");
            };
            body.put("organization_id", X);
            add.accept(new Route("POST", r[0]), new Probe("POST", r[0], "org", body));
        }
        // changes
        add.accept(new Route("PATCH", "/incidents/{id}"), new Probe("PATCH", "/incidents/" + X, "incident", map("severity", 3)));
        add.accept(new Route("PATCH", "/incidents/{id}"), new Probe("PATCH", "/incidents/" + ids.get("own.incident"), "location", map("location_id", X)));
        add.accept(new Route("PATCH", "/intel-requests/{id}"), new Probe("PATCH", "/intel-requests/" + X, "intel_request", map("question", "q2")));
        add.accept(new Route("PATCH", "/internet-outages/{id}"), new Probe("PATCH", "/internet-outages/" + X, "internet_outage", map("provider", "p2")));
        add.accept(new Route("PATCH", "/outages/{id}"), new Probe("PATCH", "/outages/" + X, "outage", map("customers_affected", 5)));
        add.accept(new Route("PATCH", "/contacts/{id}"), new Probe("PATCH", "/contacts/" + X, "contact", map("name", "n2")));
        add.accept(new Route("PATCH", "/organizations/{id}"), new Probe("PATCH", "/organizations/" + X, "org", map("retry_schedule", List.of("0s", "1m"))));
        add.accept(new Route("PUT", "/organizations/{id}/templates/{name}"), new Probe("PUT", "/organizations/" + X + "/templates/webhook_body", "org", map("template", "{}")));
        // deletions
        add.accept(new Route("DELETE", "/dependencies"), new Probe("DELETE", "/dependencies", "asset",
                map("blocker", node("asset", X), "dependent", node("incident", ids.get("incident")))));
        for (String[] r : new String[][] {{"/incidents/{id}", "incident"}, {"/intel-requests/{id}", "intel_request"},
                {"/internet-outages/{id}", "internet_outage"}, {"/outages/{id}", "outage"}}) {
            add.accept(new Route("DELETE", r[0]), new Probe("DELETE", r[0].replace("{id}", X), r[1], null));
        }
        add.accept(new Route("DELETE", "/contacts/{id}"), new Probe("DELETE", "/contacts/" + X, "contact", null));
        add.accept(new Route("DELETE", "/api-keys/{id}"), new Probe("DELETE", "/api-keys/" + X, "api_key", null));
        add.accept(new Route("DELETE", "/organizations/{id}/templates/{name}"), new Probe("DELETE", "/organizations/" + X + "/templates/webhook_body", "org", null));
        return p;
    }

    /** Routes that take no id at all (so there is nothing of another organization's to name). */
    static final List<Route> WITHOUT_IDS = List.of(new Route("GET", "/health"), new Route("GET", "/health/live"), new Route("GET", "/metrics"));

    static List<Route> registered() {
        List<Route> routes = new ArrayList<>();
        Router recorder = new Router() {
            @Override public void get(String path, Handler h) { routes.add(new Route("GET", path)); }
            @Override public void post(String path, Handler h) { routes.add(new Route("POST", path)); }
            @Override public void patch(String path, Handler h) { routes.add(new Route("PATCH", path)); }
            @Override public void put(String path, Handler h) { routes.add(new Route("PUT", path)); }
            @Override public void delete(String path, Handler h) { routes.add(new Route("DELETE", path)); }
        };
        app.herald.routes().forEach(r -> r.register(recorder));
        return routes;
    }

    @Test
    void everyRegisteredRouteIsWalked() {
        Set<Route> walked = new java.util.HashSet<>(registered());
        walked.removeAll(TENANT_FREE);
        // The console's pages are authenticated by their session cookie, not a bearer key; another organization's id in a
        // console URL is checked by ConsoleSecurityTest and ConsoleBrowserTest.
        walked.removeIf(r -> r.path().equals("/console") || r.path().startsWith("/console/"));
        assertThat(probes().keySet()).containsAll(walked);
    }

    /** Routes that hold no organization's data and take no id of one: the event catalog and the API's own contract. */
    static final Set<Route> TENANT_FREE = Set.of(new Route("GET", "/event-types"), new Route("GET", "/event-types/{type}"),
            new Route("GET", "/openapi.json"), new Route("GET", "/docs"), new Route("GET", "/docs/init.js"));

    @Test
    void anotherOrganizationsIdAnswersExactlyLikeAMissingOne() {
        List<String> differences = new ArrayList<>();
        int compared = 0;
        for (var e : probes().entrySet()) {
            for (Probe p : e.getValue()) {
                String foreign = ids.get(p.kind());
                String random = UUID.randomUUID().toString();
                TestApp.Response missing = send(p, random);
                TestApp.Response other = send(p, foreign);
                compared++;
                assertThat(missing.status()).as(p + " with a random id: " + missing.raw()).isLessThan(500);
                assertThat(other.status()).as(p + " with A's id: " + other.raw()).isLessThan(500);
                String a = shape(missing, random);
                String b = shape(other, foreign);
                if (missing.status() != other.status() || !a.equals(b)) {
                    differences.add(p.method() + " " + p.path() + " (" + p.kind() + "): random id -> " + missing.status() + " " + a
                            + " | A's id -> " + other.status() + " " + b);
                }
            }
        }
        assertThat(compared).isGreaterThan(45);
        // the walk reaches the lookups: B's own record is found where a random id is not
        Probe own = new Probe("PATCH", "/incidents/{X}", "incident", map("severity", 3));
        assertThat(send(own, ids.get("own.incident")).status()).isEqualTo(200);
        assertThat(send(own, UUID.randomUUID().toString()).status()).isEqualTo(404);
        assertThat(differences).as("routes that tell another organization's id from a missing one").isEmpty();
    }

    static TestApp.Response send(Probe p, String id) {
        String path = p.path().replace("{X}", id);
        Object body = p.body() == null ? null : Json.write(p.body()).replace("{X}", id);
        return app.call(p.method(), path, keyB, body);
    }

    /** The body with the id blanked: an error's code and message, or a success's field names (recursively). */
    static String shape(TestApp.Response r, String id) {
        if (r.body() == null) return "(no JSON body)" + (r.raw().isEmpty() ? "" : " " + r.raw().length() + " chars");
        JsonNode err = r.body().path("error");
        if (err.isObject()) return err.path("code").asText() + ": " + err.path("message").asText().replace(id, "<id>");
        return fields(r.body());
    }

    static String fields(JsonNode n) {
        if (n.isArray()) return n.isEmpty() ? "[]" : "[" + fields(n.get(0)) + "]";
        if (!n.isObject()) return n.isNull() ? "null" : "v";
        TreeSet<String> names = new TreeSet<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            names.add(f + (n.get(f).isContainerNode() ? fields(n.get(f)) : ""));
        }
        return names.toString();
    }
}
