package dev.herald.records;

import static dev.herald.records.Fixtures.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestApp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every record endpoint, called with organization A's key on organization B's records: 404 (never B's data), nothing
 * changed; references to B's records from A's writes: 422; plus malformed UUIDs (400) and unknown fields (400) on
 * every endpoint that takes them.
 */
class OrganizationScopeTest {
    static TestApp app;
    static String keyB;
    static UUID orgB, locB, typeB, assetB, incB, outB, netB, intelB;
    static UUID locA, typeA, incA, outA, netA, intelA;

    @BeforeAll
    static void start() {
        app = new TestApp();
        orgB = app.herald.organizations().create("Other Org", null, false, null).id();
        keyB = app.herald.keys().create(orgB, "other").secret();
        Fixtures b = new Fixtures(app, keyB);
        locB = b.location();
        typeB = b.assetType("tower");
        assetB = b.asset(typeB, locB);
        incB = b.incident(locB);
        outB = b.outage(incB);
        netB = b.internetOutage(incB);
        intelB = b.intel(null);
        Fixtures a = new Fixtures(app, app.orgKey);
        locA = a.location();
        typeA = a.assetType("tower");
        incA = a.incident(locA);
        outA = a.outage(incA);
        netA = a.internetOutage(incA);
        intelA = a.intel(null);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    record Call(String method, String path, Object body) {
        @Override public String toString() { return method + " " + path; }
    }

    List<Call> callsOnB() {
        return List.of(
                new Call("GET", "/locations/" + locB, null),
                new Call("GET", "/assets/" + assetB, null),
                new Call("POST", "/assets/bulk", map("ids", List.of(assetB))),
                new Call("GET", "/incidents/" + incB, null),
                new Call("PATCH", "/incidents/" + incB, map("severity", 1)),
                new Call("DELETE", "/incidents/" + incB, null),
                new Call("PATCH", "/outages/" + outB, map("customers_affected", 1)),
                new Call("DELETE", "/outages/" + outB, null),
                new Call("PATCH", "/internet-outages/" + netB, map("service", "dsl")),
                new Call("DELETE", "/internet-outages/" + netB, null),
                new Call("GET", "/intel-requests/" + intelB, null),
                new Call("PATCH", "/intel-requests/" + intelB, map("status", "closed")),
                new Call("DELETE", "/intel-requests/" + intelB, null),
                new Call("POST", "/intel-requests/bulk", map("ids", List.of(intelB))),
                // creating into B, or listing B, with A's key
                new Call("POST", "/locations", map("organization_id", orgB, "lat", 1, "lon", 1)),
                new Call("POST", "/asset-types", map("organization_id", orgB, "name", "x")),
                new Call("POST", "/assets", map("organization_id", orgB, "asset_type_id", typeB, "location_id", locB, "name", "x")),
                new Call("POST", "/incidents", map("organization_id", orgB, "location_id", locB, "kind", "power", "severity", 1)),
                new Call("POST", "/outages", map("organization_id", orgB, "incident_id", incB, "utility", "x")),
                new Call("POST", "/internet-outages", map("organization_id", orgB, "incident_id", incB, "provider", "x")),
                new Call("POST", "/intel-requests", map("organization_id", orgB, "question", "x")),
                new Call("GET", "/locations?organization_id=" + orgB, null),
                new Call("GET", "/asset-types?organization_id=" + orgB, null),
                new Call("GET", "/assets?organization_id=" + orgB, null),
                new Call("GET", "/incidents?organization_id=" + orgB, null),
                new Call("GET", "/intel-requests?organization_id=" + orgB, null));
    }

    @Test
    void everyEndpointAnswers404ForAnotherOrganizationsRecordsAndChangesNothing() {
        List<String> leaks = new ArrayList<>();
        for (Call c : callsOnB()) {
            TestApp.Response r = app.call(c.method(), c.path(), app.orgKey, c.body());
            if (r.status() != 404 || !"not_found".equals(r.errorCode())) leaks.add(c + " -> " + r.status() + " " + r.raw());
            else if (r.raw().contains("Berlin") || r.raw().contains("grid down")) leaks.add(c + " leaked data: " + r.raw());
        }
        assertThat(leaks).isEmpty();
        // B's records are untouched and still visible to B
        var inc = app.get("/incidents/" + incB, keyB);
        assertThat(inc.status()).isEqualTo(200);
        assertThat(inc.body().get("version").asLong()).isEqualTo(1);
        assertThat(inc.body().get("severity").asInt()).isEqualTo(3);
        assertThat(app.get("/intel-requests/" + intelB, keyB).body().get("status").asText()).isEqualTo("open");
        assertThat(app.post("/assets/bulk", keyB, map("ids", List.of(assetB))).status()).isEqualTo(200);
        assertThat(app.get("/locations?count=true", keyB).body().get("total").asLong()).isEqualTo(1);
        assertThat(app.get("/intel-requests?count=true", keyB).body().get("total").asLong()).isEqualTo(1);
        // A's lists never show B's rows
        for (String list : List.of("/locations", "/asset-types", "/assets", "/incidents", "/intel-requests")) {
            var r = app.get(list + "?limit=1000", app.orgKey);
            assertThat(r.status()).isEqualTo(200);
            r.body().get("items").forEach(n -> assertThat(n.get("organization_id").asText()).as(list).isEqualTo(app.orgId.toString()));
        }
        // a bulk call mixing A's and B's ids: 404 naming B's id, nothing of A's returned
        var mixed = app.post("/intel-requests/bulk", app.orgKey, map("ids", List.of(intelA, intelB)));
        assertThat(mixed.status()).isEqualTo(404);
        assertThat(mixed.raw()).contains(intelB.toString()).doesNotContain("on generator");
    }

    @Test
    void referencesToAnotherOrganizationsRecordsAre422AndWriteNothing() {
        Map<String, Map<String, Object>> creates = Map.of(
                "asset_type_id", map("asset_type_id", typeB, "location_id", locA, "name", "x"),
                "location_id", map("asset_type_id", typeA, "location_id", locB, "name", "x"));
        creates.forEach((field, body) -> RecordsApiTest.assertError(app.post("/assets", app.orgKey, body), 422, field));
        RecordsApiTest.assertError(app.post("/incidents", app.orgKey, map("location_id", locB, "kind", "power", "severity", 1)), 422, "location_id");
        RecordsApiTest.assertError(app.post("/outages", app.orgKey, map("incident_id", incB, "utility", "x")), 422, "incident_id");
        RecordsApiTest.assertError(app.post("/outages", app.orgKey, map("incident_id", incA, "location_id", locB, "utility", "x")), 422, "location_id");
        RecordsApiTest.assertError(app.post("/internet-outages", app.orgKey, map("incident_id", incB, "provider", "x")), 422, "incident_id");
        RecordsApiTest.assertError(app.post("/intel-requests", app.orgKey, map("question", "x", "parent_id", intelB)), 422, "parent_id");
        RecordsApiTest.assertError(app.call("PATCH", "/incidents/" + incA, app.orgKey, map("location_id", locB)), 422, "location_id");
        RecordsApiTest.assertError(app.call("PATCH", "/outages/" + outA, app.orgKey, map("location_id", locB)), 422, "location_id");
        assertThat(app.get("/assets?count=true", app.orgKey).body().get("total").asLong()).isZero();
        assertThat(app.get("/incidents/" + incA, app.orgKey).body().get("location_id").asText()).isEqualTo(locA.toString());
    }

    @Test
    void adminSeesEveryOrganizationButMustNameOneToCreateOrList() {
        assertThat(app.get("/incidents/" + incB, app.adminKey).status()).isEqualTo(200);
        assertThat(app.post("/assets/bulk", app.adminKey, map("ids", List.of(assetB))).status()).isEqualTo(200);
        RecordsApiTest.assertError(app.post("/intel-requests", app.adminKey, map("question", "x")), 400, "organization_id");
        assertThat(app.post("/intel-requests", app.adminKey, map("organization_id", app.orgId, "question", "x")).status()).isEqualTo(201);
        RecordsApiTest.assertError(app.get("/incidents", app.adminKey), 400, "organization_id");
    }

    @Test
    void badValuesAre422OnEveryWriteEndpoint() {
        List<Call> bad = List.of(
                new Call("POST", "/locations", map("lat", 91, "lon", 1)),
                new Call("POST", "/asset-types", map("name", "")),
                new Call("POST", "/assets", map("asset_type_id", typeA, "location_id", locA, "name", "")),
                new Call("POST", "/assets/bulk", map("ids", List.of())),
                new Call("POST", "/incidents", map("location_id", locA, "kind", "power", "severity", 0)),
                new Call("PATCH", "/incidents/" + incA, map("kind", "flood")),
                new Call("POST", "/outages", map("incident_id", incA, "utility", "u", "customers_affected", -1)),
                new Call("PATCH", "/outages/" + outA, map("customers_affected", -1)),
                new Call("POST", "/internet-outages", map("incident_id", incA, "provider", " ")),
                new Call("PATCH", "/internet-outages/" + netA, map("provider", "")),
                new Call("POST", "/intel-requests", map("question", "q", "status", "pending")),
                new Call("PATCH", "/intel-requests/" + intelA, map("status", "pending")),
                new Call("POST", "/intel-requests/bulk", map("ids", List.of())));
        List<String> wrong = new ArrayList<>();
        for (Call c : bad) {
            var r = app.call(c.method(), c.path(), app.orgKey, c.body());
            if (r.status() != 422 || !"unprocessable".equals(r.errorCode())) wrong.add(c + " -> " + r.status() + " " + r.raw());
        }
        assertThat(wrong).isEmpty();
        assertThat(app.get("/incidents/" + incA, app.orgKey).body().get("version").asLong()).isEqualTo(1);
    }

    @Test
    void malformedIdsAndUnknownFieldsAre400OnEveryEndpoint() {
        List<Call> malformed = List.of(
                new Call("GET", "/locations/123", null), new Call("GET", "/assets/123", null),
                new Call("GET", "/incidents/123", null), new Call("PATCH", "/incidents/123", map("severity", 1)),
                new Call("DELETE", "/incidents/123", null), new Call("PATCH", "/outages/123", map("customers_affected", 1)),
                new Call("DELETE", "/outages/123", null), new Call("PATCH", "/internet-outages/123", map("service", "x")),
                new Call("DELETE", "/internet-outages/123", null), new Call("GET", "/intel-requests/123", null),
                new Call("PATCH", "/intel-requests/123", map("status", "open")), new Call("DELETE", "/intel-requests/123", null),
                new Call("POST", "/assets/bulk", map("ids", List.of("123"))), new Call("POST", "/intel-requests/bulk", map("ids", List.of("123"))),
                new Call("GET", "/incidents?organization_id=123", null), new Call("GET", "/locations?cursor=!!!", null));
        List<Call> unknown = List.of(
                new Call("POST", "/locations", map("lat", 1, "lon", 1, "zzz", 1)),
                new Call("POST", "/asset-types", map("name", "n", "zzz", 1)),
                new Call("POST", "/assets", map("name", "n", "zzz", 1)),
                new Call("POST", "/assets/bulk", map("ids", List.of(UUID.randomUUID()), "zzz", 1)),
                new Call("POST", "/incidents", map("zzz", 1)),
                new Call("PATCH", "/incidents/" + incA, map("zzz", 1)),
                new Call("POST", "/outages", map("zzz", 1)),
                new Call("PATCH", "/outages/" + outA, map("zzz", 1)),
                new Call("POST", "/internet-outages", map("zzz", 1)),
                new Call("PATCH", "/internet-outages/" + netA, map("zzz", 1)),
                new Call("POST", "/intel-requests", map("zzz", 1)),
                new Call("PATCH", "/intel-requests/" + intelA, map("zzz", 1)),
                new Call("POST", "/intel-requests/bulk", map("ids", List.of(UUID.randomUUID()), "zzz", 1)));
        List<String> wrong = new ArrayList<>();
        for (Call c : malformed) {
            var r = app.call(c.method(), c.path(), app.orgKey, c.body());
            if (r.status() != 400) wrong.add(c + " -> " + r.status() + " " + r.raw());
        }
        for (Call c : unknown) {
            var r = app.call(c.method(), c.path(), app.orgKey, c.body());
            if (r.status() != 400 || !r.raw().contains("zzz")) wrong.add(c + " -> " + r.status() + " " + r.raw());
        }
        assertThat(wrong).isEmpty();
    }
}
