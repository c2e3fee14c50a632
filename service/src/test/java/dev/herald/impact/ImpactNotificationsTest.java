package dev.herald.impact;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.contacts.WebhookSecrets;
import dev.herald.events.EventCatalog;
import dev.herald.json.Json;
import dev.herald.testing.FaultyReceiver;
import dev.herald.testing.JsonSchemas;
import dev.herald.testing.TestApp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Impact events reach the contacts whose graph-scoped subscription accepts them, through the real pipeline, signed,
 * with the path and a per-subject sequence, valid against the catalog; GET /impact?contact_id answers what that
 * contact's scope holds now; bad scopes are refused naming the field.
 */
@Tag("slow")
class ImpactNotificationsTest {
    static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start(Map.of("delivery.allow-private-targets", "true", "work.poll-interval", "100ms"));
        app.herald.pipeline().startConsumers();
    }

    @AfterAll
    static void stop() {
        app.close();
    }


    static String contact(UUID org, String key, String url, String secret, Object subscription) {
        var r = app.post("/organizations/" + org + "/contacts", key, Map.of("channel", "webhook", "target", url, "secret", secret,
                "subscription", subscription));
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return r.body().get("id").asText();
    }

    static List<JsonNode> bodies(FaultyReceiver r, String typePrefix) throws Exception {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (FaultyReceiver.Seen s : r.accepted) if (s.type().startsWith(typePrefix)) out.add(Json.mapper().readTree(s.body()));
        return out;
    }

    @Test
    void graphScopedSubscriptionsHearWhatReachesTheirSubjectsWithThePathAndTheClear() throws Exception {
        UUID org = app.herald.organizations().create("Impact " + UUID.randomUUID(), null, true, null).id();
        String key = app.herald.keys().create(org, "t").secret();
        UUID loc = UUID.randomUUID(), tower = UUID.randomUUID(), store = UUID.randomUUID();
        UUID towerAsset = UUID.randomUUID(), storeAsset = UUID.randomUUID(), intel = UUID.randomUUID(), incident = UUID.randomUUID();
        app.sql("INSERT INTO locations (id, organization_id, lat, lon, region) VALUES (?, ?, 50, 8, 'Hesse')", loc, org);
        app.sql("INSERT INTO asset_types (id, organization_id, name) VALUES (?, ?, 'tower'), (?, ?, 'store')", tower, org, store, org);
        app.sql("INSERT INTO assets (id, organization_id, asset_type_id, location_id, name) VALUES (?, ?, ?, ?, 'Tower 7'), (?, ?, ?, ?, 'Store 2')",
                towerAsset, org, tower, loc, storeAsset, org, store, loc);
        app.sql("INSERT INTO intel_requests (id, organization_id, question) VALUES (?, ?, 'Backhaul down?')", intel, org);

        String secret = WebhookSecrets.generate();
        try (FaultyReceiver towers = new FaultyReceiver(secret); FaultyReceiver near = new FaultyReceiver(secret);
             FaultyReceiver plain = new FaultyReceiver(secret)) {
            String towersContact = contact(org, key, towers.url(), secret, Map.of("types", List.of("impact.*"), "asset_types", List.of(tower.toString())));
            contact(org, key, near.url(), secret, Map.of("types", List.of("impact.started", "impact.cleared"),
                    "within", Map.of("type", "intel_request", "id", intel.toString(), "hops", 1)));
            contact(org, key, plain.url(), secret, Map.of()); // no types: every type except impact.*

            // incident -> intel request -> tower; incident -> store
            app.sql("INSERT INTO incidents (id, organization_id, location_id, kind, severity, title) VALUES (?, ?, ?, 'power', 4, 'Substation')", incident, org, loc);
            app.sql("INSERT INTO dependencies (organization_id, blocker_type, blocker_id, dependent_type, dependent_id) VALUES "
                    + "(?, 'incident', ?, 'intel_request', ?), (?, 'intel_request', ?, 'asset', ?), (?, 'incident', ?, 'asset', ?)",
                    org, incident, intel, org, intel, towerAsset, org, incident, storeAsset);

            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> towers.ofType("impact.started") >= 1 && near.ofType("impact.started") >= 2);
            JsonNode started = bodies(towers, "impact.started").get(0);
            assertThat(started.at("/data/subject/id").asText()).isEqualTo(towerAsset.toString());
            assertThat(started.at("/data/distance").asInt()).isEqualTo(2);
            assertThat(started.at("/data/path").findValuesAsText("type")).containsExactly("incident", "intel_request", "asset");
            assertThat(started.at("/data/path").findValuesAsText("id")).containsExactly(incident.toString(), intel.toString(), towerAsset.toString());
            // "within 1 hop of the intel request": the request itself and the tower, never the store.
            assertThat(bodies(near, "impact.started")).extracting(b -> b.at("/data/subject/id").asText())
                    .containsExactlyInAnyOrder(intel.toString(), towerAsset.toString());

            // Resync: the towers contact's scope holds the tower only.
            var resync = app.get("/impact?contact_id=" + towersContact, key);
            assertThat(resync.status()).as(resync.raw()).isEqualTo(200);
            assertThat(resync.body().get("items").findValuesAsText("id")).contains(towerAsset.toString()).doesNotContain(storeAsset.toString());
            assertThat(resync.body().get("items")).hasSize(1);

            app.sql("UPDATE incidents SET status = 'resolved', resolved_at = now() WHERE id = ?", incident);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> towers.ofType("impact.cleared") >= 1 && near.ofType("impact.cleared") >= 2);
            JsonNode cleared = bodies(towers, "impact.cleared").get(0);
            assertThat(cleared.at("/data/subject/id").asText()).isEqualTo(towerAsset.toString());
            assertThat(cleared.at("/data/sequence").asLong()).isGreaterThan(started.at("/data/sequence").asLong());
            assertThat(app.get("/impact?contact_id=" + towersContact, key).body().get("items")).isEmpty();

            // Every impact body is the envelope with data valid against its schema; nothing impact.* went to the plain contact.
            for (FaultyReceiver r : List.of(towers, near)) {
                for (JsonNode b : bodies(r, "impact.")) {
                    var type = EventCatalog.standard().find(b.get("type").asText()).orElseThrow();
                    assertThat(JsonSchemas.errors(type.schema(), b.get("data"))).as(b.toString()).isEmpty();
                }
                assertThat(r.invalidSignatures.get()).isZero();
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> plain.ofType("incident.resolved") >= 1);
            assertThat(bodies(plain, "impact.")).isEmpty();
            assertThat(bodies(near, "impact.ended")).as("near subscribed to started and cleared only").isEmpty();
        }
    }

    @Test
    void badScopesAreRefusedAndAnotherOrganizationsRecordsAnswerLikeMissingOnes() {
        UUID org = app.herald.organizations().create("Scope " + UUID.randomUUID(), null, false, null).id();
        String key = app.herald.keys().create(org, "t").secret();
        UUID other = app.herald.organizations().create("Other " + UUID.randomUUID(), null, false, null).id();
        String otherKey = app.herald.keys().create(other, "t").secret();
        UUID foreign = UUID.randomUUID();
        app.sql("INSERT INTO intel_requests (id, organization_id, question) VALUES (?, ?, 'theirs')", foreign, other);
        String path = "/organizations/" + org + "/contacts";
        var tooFar = app.post(path, key, Map.of("channel", "email", "target", "a@example.com", "subscription",
                Map.of("types", List.of("impact.*"), "within", Map.of("type", "intel_request", "id", foreign.toString(), "hops", 1_000_000))));
        assertThat(tooFar.status()).isEqualTo(422);
        assertThat(tooFar.body().at("/error/message").asText()).startsWith("subscription.within.hops").contains("graph.max-distance-cap");
        UUID missing = UUID.randomUUID();
        var a = app.post(path, key, Map.of("channel", "email", "target", "a@example.com", "subscription",
                Map.of("types", List.of("impact.*"), "within", Map.of("type", "intel_request", "id", foreign.toString(), "hops", 2))));
        var b = app.post(path, key, Map.of("channel", "email", "target", "a@example.com", "subscription",
                Map.of("types", List.of("impact.*"), "within", Map.of("type", "intel_request", "id", missing.toString(), "hops", 2))));
        assertThat(a.status()).isEqualTo(422).isEqualTo(b.status());
        assertThat(a.body().at("/error/message").asText().replace(foreign.toString(), "X"))
                .isEqualTo(b.body().at("/error/message").asText().replace(missing.toString(), "X"));
        // Resync for another organization's contact: 404, like a missing one.
        String theirs = app.post("/organizations/" + other + "/contacts", otherKey, Map.of("channel", "email", "target", "t@example.com"))
                .body().get("id").asText();
        assertThat(app.get("/impact?contact_id=" + theirs, key).status()).isEqualTo(404);
        assertThat(app.get("/impact?contact_id=" + UUID.randomUUID(), key).status()).isEqualTo(404);
    }
}
