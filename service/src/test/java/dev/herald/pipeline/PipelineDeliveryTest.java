package dev.herald.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestApp;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** End to end on a real database with 32 consumers and a real HTTP receiver on loopback. */
class PipelineDeliveryTest {
    static TestApp app;
    static Pipeline pipeline;
    static final TestParts.ScriptedGate gate = new TestParts.ScriptedGate();
    Receiver receiver;
    Fixtures f;

    @BeforeAll
    static void start() {
        app = TestApp.start(Map.ofEntries(Map.entry("delivery.allow-private-targets", "true"),
                // Well above what a loaded 2-core machine needs for 256 concurrent loopback POSTs: a timed-out send is
                // retried under the same webhook-id (the receiver may have taken it), which this test would count twice.
                Map.entry("delivery.webhook.request-timeout", "4s"), Map.entry("work.consumers", "32"), Map.entry("db.pool-size", "48"), Map.entry("work.batch-size", "8"),
                // Three attempts close together; the circuit stays shut (its own tests are in ReceiverOutageTest).
                Map.entry("delivery.retry-schedule", "0s,50ms,200ms"), Map.entry("delivery.circuit-failures", "1000"),
                Map.entry("work.poll-interval", "200ms"), Map.entry("work.prune-after", "0s"), Map.entry("work.prune-interval", "1s"),
                Map.entry("work.reclaim-interval", "500ms")));
        pipeline = app.herald.pipeline(TestParts.parts(app.herald, gate));
        pipeline.startConsumers();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @BeforeEach
    void each() throws Exception {
        receiver = new Receiver();
        UUID org = app.herald.organizations().create("Org " + UUID.randomUUID(), null, false, null).id();
        f = new Fixtures(app.herald.db(), org);
    }

    @AfterEach
    void after() {
        assertThat(receiver.invalidSignatures.get()).as("every webhook carried a valid Standard Webhooks signature").isZero();
        receiver.close();
    }

    static void await(String what, BooleanSupplier done) {
        Awaitility.await(what).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(done::getAsBoolean);
    }

    /**
     * Every work unit, queued or finished: the pruner (work.prune-after 0s here) moves finished units from work_units
     * to work_units_done at any moment, so a test that reads a finished unit reads both tables, in one statement.
     */
    static final String ALL_UNITS = "(SELECT * FROM work_units UNION ALL SELECT * FROM work_units_done)";

    long finished(String state) {
        return f.count("SELECT count(*) FROM " + ALL_UNITS + " s WHERE organization_id = ? AND state = ?", f.org, state);
    }

    @Test
    @Tag("slow") // 2,000 deliveries through 32 consumers, about 5 s of both cores
    void thirtyTwoConsumersDeliverTwoThousandWorkUnitsExactlyOnce() throws Exception {
        for (int i = 0; i < 20; i++) f.contact(receiver.url("/ok"), "{}");
        List<UUID> incidents = f.incidents(100);
        await("2,000 deliveries", () -> finished("done") == 2000);

        assertThat(receiver.requestsById).hasSize(2000);
        assertThat(receiver.requestsById.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(f.count("SELECT count(*) FROM deliveries WHERE organization_id = ? AND status = 'sent'", f.org)).isEqualTo(2000);
        // Each claim of a unit made one delivery attempt, no more: the delivery's attempts match the unit's (a send that
        // failed before reaching the receiver, e.g. a reset pooled connection, is retried under the same webhook-id).
        assertThat(f.count("SELECT count(*) FROM deliveries d JOIN " + ALL_UNITS + " w ON w.id = d.work_unit_id "
                + "WHERE d.organization_id = ? AND d.attempts <> w.attempts", f.org)).isZero();
        Set<String> ids = new HashSet<>();
        app.herald.db().read("Test.IDS", c -> {
            try (var ps = c.prepareStatement("SELECT id FROM deliveries WHERE organization_id = ?")) {
                ps.setObject(1, f.org);
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) ids.add(rs.getString(1));
                }
            }
            return null;
        });
        assertThat(ids).isEqualTo(receiver.requestsById.keySet());

        // 20 contacts share each incident's context: it was assembled once per fingerprint, not once per message.
        Map<String, Long> built = pipeline.contexts().assembliesByFingerprint();
        List<Long> mine = built.entrySet().stream().filter(e -> e.getKey().startsWith(f.org.toString())).map(Map.Entry::getValue).toList();
        assertThat(mine).hasSize(incidents.size()).allSatisfy(n -> assertThat(n).isEqualTo(1L));

        // The recorded timings answer the reference analysis's table: per step, over every delivered unit.
        var stats = new PipelineStats(app.herald.db());
        var since = java.time.OffsetDateTime.now().minusHours(1);
        assertThat(stats.counts(f.org, since).delivered()).isEqualTo(2000);
        assertThat(stats.counts(f.org, since).pending()).isZero();
        assertThat(stats.steps(f.org, since)).extracting(PipelineStats.Step::step)
                .containsExactly("wait", "claim", "context", "render", "throttle", "send", "total");
        assertThat(stats.steps(f.org, since)).allSatisfy(st -> {
            assertThat(st.count()).isEqualTo(2000);
            assertThat(st.p50()).isLessThanOrEqualTo(st.p99()).isLessThanOrEqualTo(st.max());
        });

        // The delivery log pages newest first, with totals on request, scoped to the caller's organization.
        String key = app.herald.keys().create(f.org, "t").secret();
        var page1 = app.get("/deliveries?limit=5&count=true", key);
        assertThat(page1.status()).isEqualTo(200);
        assertThat(page1.body().get("items")).hasSize(5);
        assertThat(page1.body().get("has_more").asBoolean()).isTrue();
        assertThat(page1.body().get("total").asLong()).isEqualTo(2000);
        var page2 = app.get("/deliveries?limit=5&count=true&cursor=" + page1.body().get("next_cursor").asText(), key);
        assertThat(page2.body().get("total").asLong()).as("total is the whole list's on every page").isEqualTo(2000);
        assertThat(page2.body().get("items")).hasSize(5);
        // As instants: the JSON drops trailing zeros of the fraction, so the texts do not sort like the times.
        assertThat(java.time.Instant.parse(page2.body().get("items").get(0).get("created_at").asText()))
                .isBeforeOrEqualTo(java.time.Instant.parse(page1.body().get("items").get(4).get("created_at").asText()));
        assertThat(page2.body().get("items").get(0).get("id").asText()).isNotEqualTo(page1.body().get("items").get(4).get("id").asText());
        assertThat(app.get("/deliveries?organization_id=" + app.orgId, key).status()).isEqualTo(404);
    }

    @Test
    void aReceiverAnswering500Then200GetsTheMessageOnRetryUnderTheSameWebhookId() throws Exception {
        f.contact(receiver.url("/flaky"), "{}");
        f.incident("power", 3);
        await("the retried delivery", () -> finished("done") == 1);
        assertThat(receiver.requestsById).hasSize(1);
        assertThat(receiver.requestsById.values().iterator().next().get()).isEqualTo(2);
        assertThat(receiver.accepted()).isEqualTo(1);
        assertThat(f.count("SELECT count(*) FROM deliveries WHERE organization_id = ? AND status = 'sent' AND attempts = 2", f.org)).isEqualTo(1);

        // The work unit tells its story: attempts, wait in queue, each step's time and the outcome.
        String key = app.herald.keys().create(f.org, "t").secret();
        UUID id = UUID.fromString(app.herald.db().read("Test.ONE", c -> {
            try (var ps = c.prepareStatement("SELECT id FROM " + ALL_UNITS + " w WHERE organization_id = ?")) {
                ps.setObject(1, f.org);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        }));
        var unit = app.get("/work-units/" + id, key).body();
        assertThat(unit.get("state").asText()).isEqualTo("done");
        assertThat(unit.get("attempts").asInt()).isEqualTo(2);
        var timings = unit.get("timings");
        assertThat(timings.get("outcome").asText()).isEqualTo("delivered");
        for (String step : new String[] {"wait_ms", "claim_ms", "context_ms", "render_ms", "throttle_ms", "send_ms"}) {
            assertThat(timings.get(step).asDouble()).as(step).isGreaterThanOrEqualTo(0.0);
        }
        assertThat(timings.get("delivery_id").asText()).isEqualTo(receiver.requestsById.keySet().iterator().next());
    }

    @Test
    void aGateDelayIsNotAnAttemptAndASkipIsRecordedAsThrottled() throws Exception {
        UUID delayed = f.contact(receiver.url("/ok"), "{}");
        UUID skipped = f.contact(receiver.url("/ok"), "{}");
        gate.script(delayed, new dev.herald.limits.GateDecision.Delay(Duration.ofMillis(200)),
                new dev.herald.limits.GateDecision.Delay(Duration.ofMillis(200)));
        gate.script(skipped, new dev.herald.limits.GateDecision.Skip("window: one per incident per hour"));
        f.incident("power", 3);
        await("the delayed delivery", () -> finished("done") == 1 && finished("throttled") == 1);
        assertThat(gate.calls.get(delayed).get()).isEqualTo(3);
        // Done, so possibly pruned already: read both tables.
        assertThat(f.count("SELECT count(*) FROM " + ALL_UNITS + " w WHERE contact_id = ? AND attempts = 1", delayed)).isEqualTo(1);
        assertThat(f.count("SELECT count(*) FROM deliveries WHERE contact_id = ? AND status = 'throttled'", skipped)).isEqualTo(1);
        assertThat(receiver.requestsById).hasSize(1);
    }

    @Test
    void gone410DisablesTheContact() throws Exception {
        UUID contact = f.contact(receiver.url("/gone"), "{}");
        f.incident("power", 3);
        await("the failed delivery", () -> finished("failed") == 1);
        assertThat(f.count("SELECT count(*) FROM contacts WHERE id = ? AND disabled_at IS NOT NULL", contact)).isEqualTo(1);
        f.incident("power", 4);
        assertThat(f.count("SELECT count(*) FROM work_units WHERE contact_id = ? AND state = 'queued'", contact)).isZero();
        assertThat(receiver.requestsById).hasSize(1);
    }

    @Test
    void aDeadWorkUnitIsVisibleAndCanBeRedriven() throws Exception {
        UUID contact = f.contact(receiver.url("/fail"), "{}");
        f.incident("power", 3);
        await("the dead work unit", () -> finished("dead") == 1);
        String key = app.herald.keys().create(f.org, "t").secret();
        UUID id = UUID.fromString(app.herald.db().read("Test.DEAD", c -> {
            try (var ps = c.prepareStatement("SELECT id FROM work_units WHERE organization_id = ? AND state = 'dead'")) {
                ps.setObject(1, f.org);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        }));
        var dead = app.get("/work-units/" + id, key);
        assertThat(dead.status()).isEqualTo(200);
        assertThat(dead.body().get("state").asText()).isEqualTo("dead");
        assertThat(dead.body().get("attempts").asInt()).isEqualTo(3);
        assertThat(dead.body().get("last_error").asText()).contains("500");
        assertThat(dead.body().get("timings").get("outcome").asText()).isEqualTo("dead");
        assertThat(dead.body().get("timings").has("send_ms")).isTrue();
        assertThat(app.get("/work-units/" + id, app.orgKey).status()).isEqualTo(404);
        assertThat(app.post("/work-units/" + id + "/redrive", app.orgKey, null).status()).isEqualTo(404);

        f.exec("UPDATE contacts SET target = ? WHERE id = ?", receiver.url("/ok"), contact);
        var redriven = app.post("/work-units/" + id + "/redrive", key, null);
        assertThat(redriven.status()).isEqualTo(200);
        await("the redriven delivery", () -> finished("done") == 1);
        assertThat(receiver.accepted()).isEqualTo(1);
        assertThat(receiver.requestsById).hasSize(1); // the same webhook-id through every attempt and the redrive
        assertThat(app.post("/work-units/" + id + "/redrive", key, null).status()).isEqualTo(409);
    }

    @Test
    void onlyTheLatestQueuedStateIsSent() throws Exception {
        f.contact(receiver.url("/ok"), "{}");
        UUID incident = UUID.randomUUID();
        app.herald.db().write("Test.BURST", c -> {
            try (var ps = c.prepareStatement("INSERT INTO incidents (id, organization_id, location_id, kind, severity) VALUES (?, ?, ?, 'power', 1)")) {
                ps.setObject(1, incident);
                ps.setObject(2, f.org);
                ps.setObject(3, f.location);
                ps.executeUpdate();
            }
            for (int s = 2; s <= 5; s++) {
                c.createStatement().executeUpdate("UPDATE incidents SET severity = " + s + " WHERE id = '" + incident + "'");
            }
            return null;
        });
        await("the latest change", () -> finished("done") == 1);
        assertThat(finished("superseded")).isEqualTo(4);
        assertThat(receiver.seen).hasSize(1);
        var latest = dev.herald.json.Json.mapper().readTree(receiver.seen.get(0).body());
        assertThat(latest.get("type").asText()).isEqualTo("incident.updated");
        assertThat(latest.get("data").get("incident").get("severity").asInt()).isEqualTo(5);
    }

    @Test
    void theContextCarriesDependentsWithinTheMaxDistanceAndTheAffectedAssets() throws Exception {
        f.contact(receiver.url("/ok"), "{}");
        UUID type = UUID.randomUUID();
        UUID asset = UUID.randomUUID();
        UUID intel = UUID.randomUUID();
        f.exec("INSERT INTO asset_types (id, organization_id, name) VALUES (?, ?, 'cell tower')", type, f.org);
        f.exec("INSERT INTO assets (id, organization_id, asset_type_id, location_id, name) VALUES (?, ?, ?, ?, 'Tower 7')",
                asset, f.org, type, f.location);
        UUID incident = UUID.randomUUID();
        app.herald.db().write("Test.GRAPH", c -> {
            // Written with triggers off (like a bulk load) so only the incident change below notifies.
            c.createStatement().execute("SET LOCAL session_replication_role = replica");
            try (var ps = c.prepareStatement("INSERT INTO incidents (id, organization_id, location_id, kind, severity) VALUES (?, ?, ?, 'power', 2)")) {
                ps.setObject(1, incident);
                ps.setObject(2, f.org);
                ps.setObject(3, f.location);
                ps.executeUpdate();
            }
            try (var ps = c.prepareStatement("INSERT INTO intel_requests (id, organization_id, question) VALUES (?, ?, 'generator?')")) {
                ps.setObject(1, intel);
                ps.setObject(2, f.org);
                ps.executeUpdate();
            }
            try (var ps = c.prepareStatement("INSERT INTO dependencies (organization_id, blocker_type, blocker_id, dependent_type, dependent_id) "
                    + "VALUES (?, 'incident', ?, 'intel_request', ?), (?, 'intel_request', ?, 'asset', ?)")) {
                ps.setObject(1, f.org);
                ps.setObject(2, incident);
                ps.setObject(3, intel);
                ps.setObject(4, f.org);
                ps.setObject(5, intel);
                ps.setObject(6, asset);
                ps.executeUpdate();
            }
            return null;
        });
        f.setSeverity(incident, 4);
        await("the delivery", () -> finished("done") == 1);
        var body = dev.herald.json.Json.mapper().readTree(receiver.seen.get(0).body());
        var data = body.get("data");
        assertThat(body.get("type").asText()).isEqualTo("incident.updated");
        assertThat(data.get("incident").get("severity").asInt()).isEqualTo(4);
        assertThat(data.get("dependents")).hasSize(2);
        assertThat(data.get("dependents").findValuesAsText("id")).containsExactlyInAnyOrder(intel.toString(), asset.toString());
        assertThat(data.get("assets")).hasSize(1);
        assertThat(data.get("assets").get(0).get("name").asText()).isEqualTo("Tower 7");
        assertThat(data.get("assets").get(0).get("type").asText()).isEqualTo("cell tower");
        assertThat(data.get("organization").get("id").asText()).isEqualTo(f.org.toString());
    }

    @Test
    @Tag("slow") // waits out the 4 s webhook request timeout
    void aHangingReceiverIsCutOffAndDoesNotStallOthers() throws Exception {
        UUID hanging = f.contact(receiver.url("/hang"), "{}");
        for (int i = 0; i < 10; i++) f.contact(receiver.url("/ok"), "{}");
        f.incident("power", 3);
        await("the other deliveries", () -> finished("done") == 10);
        await("the timed-out attempt", () -> f.count(
                "SELECT count(*) FROM work_units WHERE contact_id = ? AND last_error LIKE '%timed out%'", hanging) == 1);
        assertThat(receiver.accepted()).isEqualTo(10);
    }
}
