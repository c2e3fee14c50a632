package dev.herald.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.contacts.WebhookSecrets;
import dev.herald.json.Json;
import dev.herald.testing.FaultyReceiver;
import dev.herald.testing.JsonSchemas;
import dev.herald.testing.TestApp;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every event type of the catalog, emitted for real (triggers on SQL writes, the operational fan-out, a test send),
 * delivered by the real pipeline to a verifying receiver on loopback: each body is the envelope
 * {@code {"type", "timestamp", "data"}} and its data validates against the type's schema.
 */
@Tag("slow")
class EmittedEventsMatchTheCatalogTest {
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


    @Test
    void everyEmittedEventIsAnEnvelopeWhoseDataValidatesAgainstItsSchema() throws Exception {
        // every_change: each change is its own notification, so none is superseded before it is sent.
        UUID org = app.herald.organizations().create("Catalog " + UUID.randomUUID(), null, true, null).id();
        String key = app.herald.keys().create(org, "t").secret();
        String secret = WebhookSecrets.generate();
        try (FaultyReceiver receiver = new FaultyReceiver(secret)) {
            String ops = app.post("/organizations/" + org + "/contacts", key, Map.of("channel", "webhook", "target", receiver.url(),
                    "secret", secret, "operational", true, "subscription", Map.of("types", List.of("*")))).body().get("id").asText();
            UUID other = UUID.fromString(app.post("/organizations/" + org + "/contacts", key, Map.of("channel", "email",
                    "target", "other@example.com", "subscription", Map.of("types", List.of("herald.test")))).body().get("id").asText());

            UUID location = UUID.randomUUID(), type = UUID.randomUUID(), asset = UUID.randomUUID(), incident = UUID.randomUUID();
            UUID outage = UUID.randomUUID(), intel = UUID.randomUUID();
            app.sql("INSERT INTO locations (id, organization_id, lat, lon, locality, region, postcode) VALUES (?, ?, 51.5, -0.12, 'Westminster', 'London', 'SW1A 1AA')", location, org);
            app.sql("INSERT INTO asset_types (id, organization_id, name) VALUES (?, ?, 'tower')", type, org);
            app.sql("INSERT INTO assets (id, organization_id, asset_type_id, location_id, name) VALUES (?, ?, ?, ?, 'Tower 7')", asset, org, type, location);
            app.sql("INSERT INTO intel_requests (id, organization_id, question) VALUES (?, ?, 'On generator?')", intel, org);
            app.sql("INSERT INTO incidents (id, organization_id, location_id, kind, severity, title) VALUES (?, ?, ?, 'power', 3, 'Substation')", incident, org, location);
            app.sql("INSERT INTO dependencies (organization_id, blocker_type, blocker_id, dependent_type, dependent_id) VALUES (?, 'incident', ?, 'asset', ?)", org, incident, asset);
            app.sql("INSERT INTO dependencies (organization_id, blocker_type, blocker_id, dependent_type, dependent_id) VALUES (?, 'incident', ?, 'intel_request', ?)", org, incident, intel);
            // impact changes are applied in batches (net effect): apply here so the pair starts before it is updated and ends
            app.herald.impact().applyPending();
            app.sql("INSERT INTO outages (id, organization_id, incident_id, location_id, utility, customers_affected) VALUES (?, ?, ?, ?, 'Grid', 120)", outage, org, incident, location);
            app.sql("UPDATE outages SET estimated_restoration = now() + interval '3 hours' WHERE id = ?", outage);
            app.sql("INSERT INTO internet_outages (id, organization_id, incident_id, provider, service) VALUES (?, ?, ?, 'ExampleNet', 'fibre')", UUID.randomUUID(), org, incident);
            app.sql("UPDATE incidents SET severity = 4 WHERE id = ?", incident);
            app.herald.impact().applyPending();
            app.sql("UPDATE intel_requests SET status = 'answered' WHERE id = ?", intel);
            app.sql("UPDATE incidents SET status = 'resolved', resolved_at = now() WHERE id = ?", incident);
            // Operational events about the other contact, and a delivery of the receiver's once one exists.
            app.sql("SELECT herald_enqueue_operational(?, 'contact', ?, ?, 'contact.failing')", org, other, other);
            // A queued contact.failing is superseded by a contact.disabled about the same contact: let it go out first.
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> receiver.ofType("contact.failing") > 0);
            app.sql("SELECT herald_enqueue_operational(?, 'contact', ?, ?, 'contact.disabled')", org, other, other);
            try {
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> receiver.accepted.size() >= 10);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("received " + receiver.accepted.stream().map(FaultyReceiver.Seen::type).toList() + "; units "
                        + app.herald.db().read("Test.UNITS", c -> {
                            try (var ps = c.prepareStatement("SELECT string_agg(event || ':' || state || ':' || coalesce(last_error, ''), ', ') FROM (SELECT * FROM work_units UNION ALL SELECT * FROM work_units_done) w WHERE organization_id = ?")) {
                                ps.setObject(1, org);
                                try (var rs = ps.executeQuery()) { rs.next(); return rs.getString(1); }
                            }
                        }), e);
            }
            UUID delivery = app.herald.db().read("Test.DELIVERY", c -> {
                try (var ps = c.prepareStatement("SELECT id FROM deliveries WHERE organization_id = ? LIMIT 1")) {
                    ps.setObject(1, org);
                    try (var rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getObject(1, UUID.class);
                    }
                }
            });
            app.sql("SELECT herald_enqueue_operational(?, 'delivery', ?, NULL, 'delivery.exhausted')", org, delivery);
            assertThat(app.post("/contacts/" + ops + "/test", key, Map.of()).body().get("outcome").asText()).isEqualTo("delivered");

            Set<String> all = EventCatalog.standard().types().stream().map(EventType::type).collect(Collectors.toCollection(TreeSet::new));
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> receiver.accepted.stream().map(FaultyReceiver.Seen::type)
                    .collect(Collectors.toSet()).containsAll(all));
            assertThat(receiver.invalidSignatures.get()).isZero();
            for (FaultyReceiver.Seen seen : receiver.accepted) {
                JsonNode body = Json.mapper().readTree(seen.body());
                Iterator<String> fields = body.fieldNames();
                assertThat(fields).toIterable().as(seen.type()).containsExactly("type", "timestamp", "data");
                assertThat(Instant.parse(body.get("timestamp").asText())).isBefore(Instant.now().plusSeconds(1));
                EventType t = EventCatalog.standard().find(body.get("type").asText()).orElseThrow(
                        () -> new AssertionError("emitted a type the catalog does not list: " + body.get("type")));
                assertThat(JsonSchemas.errors(t.schema(), body.get("data"))).as(t.type() + " " + body.get("data")).isEmpty();
            }
        }
    }
}
