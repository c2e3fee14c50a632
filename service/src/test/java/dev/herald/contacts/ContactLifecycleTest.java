package dev.herald.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testing.FaultyReceiver;
import dev.herald.testing.TestApp;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** PATCH, DELETE, test sends and per-contact rate limits, through the API against real receivers and a real database. */
@Tag("slow")
class ContactLifecycleTest {
    static TestApp app;
    static String key;
    static UUID org;
    FaultyReceiver receiver;

    @BeforeAll
    static void start() {
        app = TestApp.start(Map.of("delivery.allow-private-targets", "true", "work.poll-interval", "100ms"));
        app.herald.pipeline().startConsumers();
        org = app.herald.organizations().create("Lifecycle " + UUID.randomUUID(), null, false, null).id();
        key = app.herald.keys().create(org, "t").secret();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @AfterEach
    void after() {
        if (receiver != null) {
            assertThat(receiver.invalidSignatures.get()).isZero();
            receiver.close();
        }
    }

    String contact(String secret, Map<String, Object> extra) throws Exception {
        receiver = new FaultyReceiver(secret);
        Map<String, Object> body = new HashMap<>(Map.of("channel", "webhook", "target", receiver.url(), "secret", secret));
        body.putAll(extra);
        var r = app.post("/organizations/" + org + "/contacts", key, body);
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return r.body().get("id").asText();
    }

    static void await(String what, BooleanSupplier done) {
        Awaitility.await(what).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(done::getAsBoolean);
    }

    long count(String sql, Object... args) {
        return app.herald.db().read("Test.COUNT", c -> {
            try (var ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    void incident() {
        ContactFixtures.incident(app, org);
    }

    @Test
    void aPatchChangesOnlyWhatItNamesAndIsValidatedLikeCreation() throws Exception {
        String id = contact(WebhookSecrets.generate(), Map.of("name", "ops hook"));
        FaultyReceiver other = new FaultyReceiver(WebhookSecrets.generate());
        try (other) {
            var patched = app.patch("/contacts/" + id, key, Map.of("target", other.url(), "description", "the new one",
                    "subscription", Map.of("kinds", List.of("power"))));
            assertThat(patched.status()).as(patched.raw()).isEqualTo(200);
            assertThat(patched.body().get("target").asText()).isEqualTo(other.url());
            assertThat(patched.body().get("name").asText()).as("untouched").isEqualTo("ops hook");
            assertThat(patched.body().get("description").asText()).isEqualTo("the new one");
            assertThat(patched.body().at("/subscription/kinds/0").asText()).isEqualTo("power");
            assertThat(patched.raw()).doesNotContain("whsec_");
        }
        record Bad(Map<String, Object> body, int status, String message) {}
        for (Bad b : List.of(
                new Bad(Map.of("target", "ftp://example.com/x"), 422, "target"),
                new Bad(Map.of("rate_limit", Map.of("rate", 0, "period", "1s")), 422, "rate_limit.rate"),
                new Bad(Map.of("retry_schedule", List.of("5m", "5s")), 422, "retry_schedule"),
                new Bad(Map.of("channel", "email"), 400, "unknown field 'channel'"),
                new Bad(Map.of("name", " "), 422, "name"),
                new Bad(Map.of("enabled", "yes"), 422, "enabled"))) {
            var r = app.patch("/contacts/" + id, key, b.body());
            assertThat(r.status()).as(b.body().toString()).isEqualTo(b.status());
            assertThat(r.body().at("/error/message").asText()).contains(b.message());
        }
        assertThat(app.get("/contacts/" + id, key).body().get("description").asText()).as("nothing changed").isEqualTo("the new one");

        var disabled = app.patch("/contacts/" + id, key, Map.of("enabled", false));
        assertThat(disabled.body().get("disabled").asBoolean()).isTrue();
        assertThat(app.patch("/contacts/" + id, key, Map.of("enabled", true)).body().get("disabled").asBoolean()).isFalse();

        UUID otherOrg = app.herald.organizations().create("Other " + UUID.randomUUID(), null, false, null).id();
        String otherKey = app.herald.keys().create(otherOrg, "o").secret();
        var foreign = app.patch("/contacts/" + id, otherKey, Map.of("name", "mine now"));
        var missing = app.patch("/contacts/" + UUID.randomUUID(), otherKey, Map.of("name", "mine now"));
        assertThat(foreign.status()).isEqualTo(404).isEqualTo(missing.status());
        assertThat(foreign.body().at("/error/code").asText()).isEqualTo(missing.body().at("/error/code").asText());
        assertThat(app.get("/contacts/" + id, otherKey).status()).isEqualTo(404);
        assertThat(app.call("DELETE", "/contacts/" + id, otherKey, null).status()).isEqualTo(404);
    }

    @Test
    void deletingAContactCancelsItsQueuedUnitsSayingWhy() throws Exception {
        String id = contact(WebhookSecrets.generate(), Map.of());
        UUID contact = UUID.fromString(id);
        receiver.down();
        incident();
        incident();
        await("the circuit holds them", () -> count("SELECT count(*) FROM work_units WHERE contact_id = ? AND state = 'queued'", contact) == 2
                && count("SELECT count(*) FROM work_units WHERE contact_id = ? AND state = 'running'", contact) == 0);
        var deleted = app.call("DELETE", "/contacts/" + id, key, null);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body().get("cancelled_work_units").asInt()).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM work_units WHERE contact_id = ? AND state = 'cancelled' AND last_error LIKE '%was deleted'", contact)).isEqualTo(2);
        assertThat(app.get("/contacts/" + id, key).body().has("deleted_at")).isTrue();
        assertThat(app.get("/organizations/" + org + "/contacts?limit=100", key).raw()).doesNotContain(id);
        var patch = app.patch("/contacts/" + id, key, Map.of("name", "again"));
        assertThat(patch.status()).isEqualTo(409);
        assertThat(patch.body().at("/error/message").asText()).contains("is deleted");
        assertThat(app.post("/contacts/" + id + "/secret/rotate", key, Map.of()).status()).isEqualTo(409);
        assertThat(app.call("DELETE", "/contacts/" + id, key, null).status()).as("already deleted").isEqualTo(404);
        incident();
        Thread.sleep(300);
        assertThat(count("SELECT count(*) FROM work_units WHERE contact_id = ? AND state = 'queued'", contact)).as("no new work").isZero();
    }

    @Test
    void aTestSendGoesThroughTheRealSenderAndAnswersWhatTheReceiverSaid() throws Exception {
        String id = contact(WebhookSecrets.generate(), Map.of());
        var ok = app.post("/contacts/" + id + "/test", key, Map.of());
        assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
        assertThat(ok.body().get("outcome").asText()).isEqualTo("delivered");
        assertThat(ok.body().get("status").asInt()).isEqualTo(200);
        assertThat(ok.body().get("latency_ms").asLong()).isNotNegative();
        assertThat(ok.body().get("response_excerpt").asText()).contains(ok.body().get("webhook_id").asText());
        assertThat(receiver.ofType("herald.test")).isEqualTo(1);
        receiver.status = 500;
        var failed = app.post("/contacts/" + id + "/test", key, Map.of());
        assertThat(failed.body().get("outcome").asText()).isEqualTo("failed");
        assertThat(failed.body().get("status").asInt()).isEqualTo(500);
        assertThat(count("SELECT count(*) FROM deliveries WHERE contact_id = ?", UUID.fromString(id))).as("not in the delivery log").isZero();
    }

    @Test
    void aContactsOwnRateLimitHoldsBackItsDeliveriesWithoutSpendingAttempts() throws Exception {
        String id = contact(WebhookSecrets.generate(), Map.of("rate_limit", Map.of("rate", 1, "period", "1h", "burst", 1)));
        UUID contact = UUID.fromString(id);
        for (int i = 0; i < 3; i++) incident();
        await("the first delivered", () -> receiver.distinct() == 1);
        await("the other two held back", () -> count(
                "SELECT count(*) FROM work_units WHERE contact_id = ? AND state = 'queued' AND attempts = 0 AND run_at > now() + interval '30 minutes'",
                contact) == 2);
        assertThat(receiver.distinct()).isEqualTo(1);
        assertThat(app.get("/contacts/" + id, key).body().at("/rate_limit/rate").asInt()).isEqualTo(1);
        var bad = app.post("/organizations/" + org + "/contacts", key, Map.of("channel", "webhook", "target", "https://example.com/h",
                "rate_limit", Map.of("rate", 5, "period", "1s", "extra", 1)));
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.body().at("/error/message").asText()).contains("rate_limit: unknown field 'extra'");
    }
}
