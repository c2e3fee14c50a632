package dev.herald.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestApp;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Subscriptions that speak the domain: types with wildcards, kind, severity, the location's region / locality /
 * postcode, asset types, assets and intel requests; checked on save (422 naming the field, nothing stored) and
 * evaluated by the one SQL filter the fan-out runs.
 */
class SubscriptionFiltersTest {
    static TestApp app;
    static UUID org;
    static String key;
    static UUID otherOrg;
    static String otherKey;

    @BeforeAll
    static void start() {
        app = TestApp.start(Map.of());
        org = app.herald.organizations().create("Filters " + UUID.randomUUID(), null, true, null).id();
        key = app.herald.keys().create(org, "t").secret();
        otherOrg = app.herald.organizations().create("Other " + UUID.randomUUID(), null, true, null).id();
        otherKey = app.herald.keys().create(otherOrg, "t").secret();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static UUID contact(Object subscription) {
        var r = app.post("/organizations/" + org + "/contacts", key, Map.of("channel", "email",
                "target", "c" + UUID.randomUUID() + "@example.com", "subscription", subscription));
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return UUID.fromString(r.body().get("id").asText());
    }

    static long units(UUID contact, String event) {
        return app.herald.db().read("Test.UNITS", c -> {
            try (var ps = c.prepareStatement("SELECT count(*) FROM work_units WHERE contact_id = ? AND event = ?")) {
                ps.setObject(1, contact);
                ps.setString(2, event);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }


    static UUID location(String region, String locality, String postcode) {
        UUID id = UUID.randomUUID();
        app.sql("INSERT INTO locations (id, organization_id, lat, lon, region, locality, postcode) VALUES (?, ?, 50, 8, ?, ?, ?)",
                id, org, region, locality, postcode);
        return id;
    }

    static UUID incident(UUID location, String kind, int severity) {
        UUID id = UUID.randomUUID();
        app.sql("INSERT INTO incidents (id, organization_id, location_id, kind, severity) VALUES (?, ?, ?, ?, ?)", id, org, location, kind, severity);
        return id;
    }

    @Test
    void typesWithWildcardsChooseWhatAContactHears() {
        UUID everything = contact(Map.of());
        UUID incidents = contact(Map.of("types", List.of("incident.*")));
        UUID resolvedOnly = contact(Map.of("types", List.of("incident.resolved")));
        UUID outages = contact(Map.of("types", List.of("outage.*", "internet_outage.added")));
        UUID star = contact(Map.of("types", List.of("*")));

        UUID incident = incident(location("Hesse", "Frankfurt", "60311"), "power", 3);
        app.sql("INSERT INTO outages (id, organization_id, incident_id, utility) VALUES (?, ?, ?, 'Grid')", UUID.randomUUID(), org, incident);
        app.sql("UPDATE incidents SET status = 'resolved', resolved_at = now() WHERE id = ?", incident);

        assertThat(units(everything, "incident.opened")).isEqualTo(1);
        assertThat(units(everything, "outage.added")).isEqualTo(1);
        assertThat(units(incidents, "incident.opened")).isEqualTo(1);
        assertThat(units(incidents, "outage.added")).isZero();
        assertThat(units(incidents, "incident.resolved")).isEqualTo(1);
        assertThat(units(resolvedOnly, "incident.opened")).isZero();
        assertThat(units(resolvedOnly, "incident.resolved")).isEqualTo(1);
        assertThat(units(outages, "incident.opened")).isZero();
        assertThat(units(outages, "outage.added")).isEqualTo(1);
        assertThat(units(star, "incident.resolved")).isEqualTo(1);
    }

    @Test
    void locationKindAndSeverityNarrowIncidentEvents() {
        UUID hesse = location("Hesse", "Frankfurt", "60311");
        UUID bavaria = location("Bavaria", "Munich", "80331");
        UUID inHesse = contact(Map.of("regions", List.of("Hesse")));
        UUID inMunich = contact(Map.of("localities", List.of("Munich"), "kinds", List.of("power")));
        UUID postcode = contact(Map.of("postcodes", List.of("60311"), "min_severity", 4));

        incident(hesse, "power", 3);
        incident(bavaria, "power", 5);
        incident(bavaria, "internet", 5);
        incident(hesse, "internet", 4);

        assertThat(units(inHesse, "incident.opened")).isEqualTo(2);
        assertThat(units(inMunich, "incident.opened")).isEqualTo(1);
        assertThat(units(postcode, "incident.opened")).isEqualTo(1);
    }

    @Test
    void assetAndIntelRequestFiltersMatchTheEventsSubject() {
        UUID intel = UUID.randomUUID(), other = UUID.randomUUID();
        app.sql("INSERT INTO intel_requests (id, organization_id, question) VALUES (?, ?, 'q1'), (?, ?, 'q2')", intel, org, other, org);
        UUID one = contact(Map.of("intel_request_ids", List.of(intel.toString())));
        app.sql("UPDATE intel_requests SET status = 'answered' WHERE id IN (?, ?)", intel, other);
        assertThat(units(one, "intel_request.updated")).isEqualTo(1);
        // A subject filter never matches an incident event: nothing about that intel request is in it.
        incident(location("Hesse", "Frankfurt", "60311"), "power", 5);
        assertThat(units(one, "incident.opened")).isZero();

    }

    @Test
    void badFiltersAreRefusedNamingTheFieldAndNothingIsStored() {
        UUID foreignAsset = UUID.randomUUID(), type = UUID.randomUUID(), loc = UUID.randomUUID();
        app.herald.db().write("Test.FOREIGN", c -> {
            try (var ps = c.prepareStatement("INSERT INTO locations (id, organization_id, lat, lon) VALUES (?, ?, 1, 1)")) {
                ps.setObject(1, loc);
                ps.setObject(2, otherOrg);
                ps.execute();
            }
            try (var ps = c.prepareStatement("INSERT INTO asset_types (id, organization_id, name) VALUES (?, ?, 'x')")) {
                ps.setObject(1, type);
                ps.setObject(2, otherOrg);
                ps.execute();
            }
            try (var ps = c.prepareStatement("INSERT INTO assets (id, organization_id, asset_type_id, location_id, name) VALUES (?, ?, ?, ?, 'a')")) {
                ps.setObject(1, foreignAsset);
                ps.setObject(2, otherOrg);
                ps.setObject(3, type);
                ps.setObject(4, loc);
                return ps.execute();
            }
        });
        Map<Object, String> cases = new java.util.LinkedHashMap<>();
        cases.put(Map.of("types", List.of("incident.exploded")), "subscription.types");
        cases.put(Map.of("types", List.of("incident*")), "subscription.types");
        cases.put(Map.of("types", List.of("*.opened")), "subscription.types");
        cases.put(Map.of("types", List.of()), "subscription.types");
        cases.put(Map.of("colour", "red"), "subscription");
        cases.put(Map.of("kinds", List.of("water")), "subscription.kinds");
        cases.put(Map.of("min_severity", 9), "subscription.min_severity");
        cases.put(Map.of("regions", List.of("")), "subscription.regions");
        cases.put(Map.of("regions", "Hesse"), "subscription.regions");
        cases.put(Map.of("postcodes", List.of("1", "1")), "subscription.postcodes");
        cases.put(Map.of("asset_ids", List.of("nope")), "subscription.asset_ids");
        // An asset filter on types that are never about an asset could never match.
        cases.put(Map.of("types", List.of("incident.*"), "asset_ids", List.of(UUID.randomUUID().toString())), "subscription.asset_ids");
        for (var e : cases.entrySet()) {
            long before = count();
            var r = app.post("/organizations/" + org + "/contacts", key, Map.of("channel", "email", "target", "x@example.com",
                    "subscription", e.getKey()));
            assertThat(r.status()).as(e.getKey() + " " + r.raw()).isEqualTo(422);
            assertThat(r.body().at("/error/message").asText()).as(e.getKey().toString()).startsWith(e.getValue());
            assertThat(count()).isEqualTo(before);
        }
        // Another organization's asset and a missing one answer alike.
        var foreign = app.post("/organizations/" + org + "/contacts", key, Map.of("channel", "email", "target", "x@example.com",
                "subscription", Map.of("types", List.of("intel_request.*"), "intel_request_ids", List.of(foreignAsset.toString()))));
        UUID missingId = UUID.randomUUID();
        var missing = app.post("/organizations/" + org + "/contacts", key, Map.of("channel", "email", "target", "x@example.com",
                "subscription", Map.of("types", List.of("intel_request.*"), "intel_request_ids", List.of(missingId.toString()))));
        assertThat(foreign.status()).isEqualTo(422).isEqualTo(missing.status());
        assertThat(foreign.body().at("/error/message").asText().replace(foreignAsset.toString(), "ID"))
                .isEqualTo(missing.body().at("/error/message").asText().replace(missingId.toString(), "ID"));
        // PATCH checks the same way.
        UUID c = contact(Map.of());
        var patched = app.patch("/contacts/" + c, key, Map.of("subscription", Map.of("types", List.of("nope.*"))));
        assertThat(patched.status()).isEqualTo(422);
        assertThat(app.get("/contacts/" + c, key).body().get("subscription").toString()).isEqualTo("{}");
    }

    static long count() {
        return app.herald.db().read("Test.COUNT", c -> {
            try (var ps = c.prepareStatement("SELECT count(*) FROM contacts WHERE organization_id = ?")) {
                ps.setObject(1, org);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }
}
