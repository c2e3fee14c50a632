package dev.herald.pipeline;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Receivers that are down, hang or fail, against real receivers on loopback and a real database, with the retry
 * schedule and the circuit compressed to fractions of a second.
 */
@Tag("slow")
class ReceiverOutageTest {
    TestApp app;
    Fixtures f;
    final List<FaultyReceiver> receivers = new java.util.ArrayList<>();

    static Map<String, String> settings(String... kv) {
        Map<String, String> m = new HashMap<>(Map.of("delivery.allow-private-targets", "true", "work.poll-interval", "100ms",
                "delivery.retry-schedule", "0s,100ms,200ms,300ms,500ms,1s,1s,2s,2s,3s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s",
                "delivery.retry-jitter", "0.1", "delivery.circuit-failures", "3", "delivery.circuit-open", "300ms",
                "delivery.circuit-open-max", "1s", "delivery.webhook.request-timeout", "2s", "delivery.slow-send", "200ms",
                "delivery.contact-busy-delay", "300ms"));
        m.put("work.prune-interval", "200ms");
        m.put("work.reclaim-interval", "500ms");
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    void start(Map<String, String> settings) {
        app = TestApp.start(settings);
        app.herald.pipeline(TestParts.parts(app.herald)).startConsumers();
        UUID org = app.herald.organizations().create("Org " + UUID.randomUUID(), null, false, null).id();
        f = new Fixtures(app.herald.db(), org);
    }

    FaultyReceiver receiver() throws Exception {
        FaultyReceiver r = new FaultyReceiver(Fixtures.SECRET);
        receivers.add(r);
        return r;
    }

    UUID operationalContact(FaultyReceiver r) {
        UUID id = f.contact(r.url(), "{}");
        f.exec("UPDATE contacts SET operational = true WHERE id = ?", id);
        return id;
    }

    @AfterEach
    void stop() {
        receivers.forEach(r -> assertThat(r.invalidSignatures.get()).as("every webhook was signed").isZero());
        receivers.forEach(FaultyReceiver::close);
        if (app != null) app.close();
    }

    static void await(String what, BooleanSupplier done) {
        Awaitility.await(what).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(done::getAsBoolean);
    }

    String key() {
        return app.herald.keys().create(f.org, "t").secret();
    }

    @Test
    void aReceiverThatIsDownGetsEverythingOnceWhenItIsBackAndItsOperatorsHearOfIt() throws Exception {
        start(settings());
        FaultyReceiver down = receiver();
        FaultyReceiver ops = receiver();
        UUID contact = f.contact(down.url(), "{}");
        operationalContact(ops);
        down.down();
        f.incidents(20);

        // The failures open the circuit: the contact's units wait for it instead of spending their attempts.
        await("contact.failing reaches the operational contact", () -> ops.ofType("contact.failing") == 1);
        await("the circuit to open", () -> f.count("SELECT count(*) FROM contacts WHERE id = ? AND paused_until IS NOT NULL", contact) == 1);
        JsonNode failing = app.get("/organizations/" + f.org + "/contacts/" + contact, key()).body();
        assertThat(failing.at("/health/status").asText()).isEqualTo("failing");
        assertThat(failing.at("/health/consecutive_failures").asInt()).isGreaterThanOrEqualTo(4);
        assertThat(failing.at("/health/last_error").asText()).contains("connection failed");
        Thread.sleep(1500); // a few circuit periods: each lets one probe through
        long attempts = f.count("SELECT coalesce(sum(attempts), 0) FROM work_units WHERE contact_id = ?", contact);
        assertThat(attempts).as("attempts spent by 20 units while the receiver was down").isLessThan(20);

        down.up();
        await("all 20 after the receiver is back", () -> down.distinct() == 20);
        assertThat(down.duplicates()).isZero();
        await("the contact to be healthy", () -> f.count(
                "SELECT count(*) FROM contacts WHERE id = ? AND consecutive_failures = 0 AND failing_since IS NULL AND paused_until IS NULL", contact) == 1);

        // The attempt log: every send has a row; a delivery that failed before it got through shows both.
        await("every delivery recorded sent", () -> f.count("SELECT count(*) FROM deliveries WHERE contact_id = ? AND status = 'sent'", contact) == 20);
        assertThat(f.count("SELECT count(*) FROM delivery_attempts WHERE contact_id = ?", contact))
                .isEqualTo(f.count("SELECT sum(attempts) FROM deliveries WHERE contact_id = ?", contact));
        String retried = app.herald.db().read("Test.RETRIED", c -> {
            try (var ps = c.prepareStatement("SELECT id FROM deliveries WHERE contact_id = ? AND attempts > 1 LIMIT 1")) {
                ps.setObject(1, contact);
                try (var rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
        assertThat(retried).isNotNull();
        JsonNode log = app.get("/deliveries/" + retried + "/attempts", key()).body().get("attempts");
        assertThat(log.get(0).get("error_class").asText()).isEqualTo("connect");
        assertThat(log.get(log.size() - 1).get("outcome").asText()).isEqualTo("delivered");
        assertThat(log.get(log.size() - 1).get("response_code").asInt()).isEqualTo(200);
        assertThat(log.get(log.size() - 1).get("response_excerpt").asText()).contains(retried);
        assertThat(app.get("/deliveries?contact_id=" + contact + "&status=sent&count=true", key()).body().get("total").asLong()).isEqualTo(20);
    }

    @Test
    void aHangingReceiverHoldsOnlyItsOwnLaneWhileTheOthersAreDelivered() throws Exception {
        start(settings("work.max-in-flight", "4", "delivery.contact-concurrency", "2", "delivery.webhook.request-timeout", "30s",
                "work.lease", "60s"));
        FaultyReceiver hanging = receiver();
        FaultyReceiver healthy = receiver();
        UUID hung = f.contact(hanging.url(), "{}");
        for (int i = 0; i < 5; i++) f.contact(healthy.url(), "{}");
        hanging.hang();
        f.incidents(30);
        await("150 deliveries to the healthy contacts", () -> healthy.distinct() == 150);
        // All of them went out while the hanging receiver still held its requests: no healthy unit waited for its timeout.
        assertThat(hanging.open.get()).as("requests the hanging receiver still holds").isPositive();
        assertThat(hanging.mostOpen.get()).as("sends in flight to the hanging contact at once").isLessThanOrEqualTo(2);
        assertThat(healthy.duplicates()).isZero();
        hanging.release();
        await("the hanging contact's 30 once it answers", () -> hanging.distinct() == 30);
        assertThat(hanging.duplicates()).isZero();
        assertThat(f.count("SELECT count(*) FROM work_units WHERE contact_id = ? AND state = 'dead'", hung)).isZero();
    }

    @Test
    void exhaustedDeliveriesAreReportedRecoveredUnderTheirIdsAndRedrivenInBulk() throws Exception {
        start(settings("delivery.retry-schedule", "0s,100ms", "delivery.circuit-failures", "1000"));
        FaultyReceiver failing = receiver();
        FaultyReceiver ops = receiver();
        UUID contact = f.contact(failing.url(), "{}");
        operationalContact(ops);
        failing.status = 500;
        OffsetDateTime t0 = OffsetDateTime.now().minusSeconds(5);
        UUID incident = f.incident("power", 3);
        await("the first change exhausted", () -> f.count("SELECT count(*) FROM work_units WHERE contact_id = ? AND state = 'dead'", contact) == 1);
        f.setSeverity(incident, 4);
        await("the second change exhausted", () -> f.count("SELECT count(*) FROM work_units WHERE contact_id = ? AND state = 'dead'", contact) == 2);
        List<UUID> others = f.incidents(3);
        await("all five exhausted", () -> f.count("SELECT count(*) FROM work_units WHERE contact_id = ? AND state = 'dead'", contact) == 5);
        await("delivery.exhausted for each", () -> ops.ofType("delivery.exhausted") == 5);
        assertThat(ops.accepted.stream().filter(s -> s.type().equals("delivery.exhausted")).findFirst().orElseThrow().body())
                .contains("\"contact\"").contains("\"delivery\"").contains(failing.url());

        failing.status = 200;
        String key = key();
        var recovered = app.post("/contacts/" + contact + "/recover", key, Map.of("since", t0.toString()));
        assertThat(recovered.status()).isEqualTo(200);
        // Newest state per subject: the incident changed twice, only its newest delivery goes again.
        assertThat(recovered.body().get("requeued").asInt()).isEqualTo(4);
        assertThat(app.post("/contacts/" + contact + "/recover", key, Map.of("since", t0.toString())).body().get("requeued").asInt())
                .as("the same recover twice queues nothing twice").isZero();
        await("the four recovered", () -> failing.distinct() == 4);
        // Under their original webhook-ids: each was refused before under the same id.
        List<String> failedIds = app.herald.db().read("Test.IDS", c -> dev.herald.records.RecordSql.query(c,
                "SELECT id::text FROM deliveries WHERE contact_id = ? AND status = 'sent'", rs -> rs.getString(1), contact));
        assertThat(failing.acceptedById.keySet()).containsExactlyInAnyOrderElementsOf(failedIds);
        assertThat(failing.requests.get()).isEqualTo(5 * 2 + 4);
        assertThat(others).hasSize(3);

        // Bulk redrive of dead units by contact: the older change of the incident is still dead.
        var redriven = app.post("/work-units/redrive", key, Map.of("contact_id", contact.toString()));
        assertThat(redriven.status()).isEqualTo(200);
        assertThat(redriven.body().get("redriven").asInt()).isEqualTo(1);
        assertThat(app.post("/work-units/redrive", key, Map.of("contact_id", contact.toString())).body().get("redriven").asInt()).isZero();
        await("the redriven one", () -> failing.distinct() == 5);
        assertThat(failing.duplicates()).isZero();
    }

    @Test
    void aContactFailingPastTheLimitIsDisabledAndEnablingItRequeuesWhatFailedMeanwhile() throws Exception {
        start(settings("delivery.disable-after", "2s", "delivery.circuit-open", "500ms", "delivery.circuit-open-max", "500ms"));
        FaultyReceiver down = receiver();
        FaultyReceiver ops = receiver();
        UUID contact = f.contact(down.url(), "{}");
        operationalContact(ops);
        down.down();
        f.incidents(3);
        await("contact.disabled", () -> ops.ofType("contact.disabled") == 1);
        JsonNode c = app.get("/organizations/" + f.org + "/contacts/" + contact, key()).body();
        assertThat(c.get("disabled").asBoolean()).isTrue();
        assertThat(c.get("disabled_reason").asText()).startsWith("failing since ");
        await("its queued units failed as disabled", () -> f.count(
                "SELECT count(*) FROM (SELECT state, contact_id FROM work_units UNION ALL SELECT state, contact_id FROM work_units_done) w "
                        + "WHERE contact_id = ? AND state = 'failed'", contact) == 3);

        down.up();
        var enabled = app.post("/contacts/" + contact + "/enable", key(), Map.of("requeue", true));
        assertThat(enabled.status()).isEqualTo(200);
        assertThat(enabled.body().get("was_disabled").asBoolean()).isTrue();
        assertThat(enabled.body().get("requeued").asInt()).isEqualTo(3);
        await("the three after enabling", () -> down.distinct() == 3);
        assertThat(down.duplicates()).isZero();
    }

    @Test
    void retryAfterIsHonouredUpToItsCapNotTheOldFiveMinutes() throws Exception {
        start(settings("delivery.retry-after-max", "2h"));
        FaultyReceiver busy = receiver();
        UUID contact = f.contact(busy.url(), "{}");
        busy.status = 503;
        // FaultyReceiver answers no Retry-After; the sender's cap is what is checked here, through WebhookReceiver.
        busy.close();
        dev.herald.testing.WebhookReceiver r = dev.herald.testing.WebhookReceiver.start(Fixtures.SECRET);
        try (r) {
            r.script(dev.herald.testing.WebhookReceiver.Reply.retryAfter(503, "3600"));
            f.exec("UPDATE contacts SET target = ? WHERE id = ?", r.url(), contact);
            f.incident("power", 3);
            await("the 503", () -> f.count("SELECT count(*) FROM work_units WHERE contact_id = ? AND attempts = 1 AND state = 'queued'", contact) == 1);
            long waitSeconds = f.count("SELECT extract(epoch FROM run_at - now())::bigint FROM work_units WHERE contact_id = ?", contact);
            assertThat(waitSeconds).as("seconds until the retry").isBetween(3000L, 3600L);
        }
        receivers.remove(busy);
    }

    @Test
    void badSchedulesAndRecoverWindowsAreRefusedAndOtherOrganizationsContactsAreNotFound() throws Exception {
        start(settings());
        String key = key();
        String path = "/organizations/" + f.org + "/contacts";
        Map<String, Object> base = Map.of("channel", "webhook", "target", "https://example.com/hook");
        record Case(Object schedule, String message) {}
        for (Case c : List.of(new Case(List.of(), "retry_schedule must have at least one delay"),
                new Case(List.of("0s", "5m", "5s"), "retry_schedule delay 3 (5s) is shorter than the one before it (5m)"),
                new Case(List.of("0s", "-5s"), "retry_schedule[1]: '-5s' is not a duration"),
                new Case(List.of("0s", "4d", "4d"), "retry_schedule adds up to 192h, longer than delivery.max-retry-horizon"),
                new Case("5s", "retry_schedule must be a list of delays"))) {
            Map<String, Object> body = new HashMap<>(base);
            body.put("retry_schedule", c.schedule());
            var r = app.post(path, key, body);
            assertThat(r.status()).as(String.valueOf(c.schedule())).isEqualTo(422);
            assertThat(r.body().at("/error/message").asText()).contains(c.message());
        }
        assertThat(f.count("SELECT count(*) FROM contacts WHERE organization_id = ?", f.org)).as("nothing written").isZero();
        Map<String, Object> good = new HashMap<>(base);
        good.put("retry_schedule", List.of("0s", "1m", "1h"));
        var created = app.post(path, key, good);
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body().get("retry_schedule")).hasSize(3);
        String contact = created.body().get("id").asText();

        var later = app.post("/contacts/" + contact + "/recover", key, Map.of("since", OffsetDateTime.now().plusHours(1).toString()));
        assertThat(later.status()).isEqualTo(422);
        assertThat(later.body().at("/error/message").asText()).contains("since is in the future");
        var inverted = app.post("/contacts/" + contact + "/recover", key, Map.of("since", OffsetDateTime.now().minusHours(1).toString(),
                "until", OffsetDateTime.now().minusHours(2).toString()));
        assertThat(inverted.status()).isEqualTo(422);
        assertThat(inverted.body().at("/error/message").asText()).contains("since must not be after until");

        UUID other = app.herald.organizations().create("Other " + UUID.randomUUID(), null, false, null).id();
        String otherKey = app.herald.keys().create(other, "o").secret();
        var foreign = app.post("/contacts/" + contact + "/recover", otherKey, Map.of("since", OffsetDateTime.now().minusHours(1).toString()));
        var missing = app.post("/contacts/" + UUID.randomUUID() + "/recover", otherKey, Map.of("since", OffsetDateTime.now().minusHours(1).toString()));
        assertThat(foreign.status()).isEqualTo(404).isEqualTo(missing.status());
        assertThat(foreign.body().at("/error/code").asText()).isEqualTo(missing.body().at("/error/code").asText());
        var foreignEnable = app.post("/contacts/" + contact + "/enable", otherKey, Map.of());
        assertThat(foreignEnable.status()).isEqualTo(404);
    }

    @Test
    void anOrganizationsScheduleAppliesToItsContactsAndAContactsOwnWins() throws Exception {
        start(settings("delivery.circuit-failures", "1000"));
        FaultyReceiver failing = receiver();
        failing.status = 500;
        String admin = app.adminKey;
        var bad = app.patch("/organizations/" + f.org, admin, Map.of("retry_schedule", List.of("0s", "1h", "1m")));
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.body().at("/error/message").asText()).contains("retry_schedule delay 3 (1m) is shorter");
        var patched = app.patch("/organizations/" + f.org, admin, Map.of("retry_schedule", List.of("0s", "100ms", "100ms")));
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.body().get("retry_schedule")).hasSize(3);
        UUID byOrg = f.contact(failing.url(), "{}");
        UUID own = f.contact(failing.url(), "{}");
        f.exec("UPDATE contacts SET retry_schedule_ms = '{0,100}' WHERE id = ?", own);
        f.incident("power", 3);
        await("both exhausted", () -> f.count("SELECT count(*) FROM work_units WHERE state = 'dead' AND contact_id IN (?, ?)", byOrg, own) == 2);
        assertThat(f.count("SELECT attempts FROM work_units WHERE contact_id = ?", byOrg)).isEqualTo(3);
        assertThat(f.count("SELECT attempts FROM work_units WHERE contact_id = ?", own)).isEqualTo(2);
    }
}
