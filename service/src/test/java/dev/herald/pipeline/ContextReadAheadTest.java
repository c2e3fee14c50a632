package dev.herald.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestApp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The read-ahead assembles the contexts of queued units before anything claims them, once per fingerprint, and the
 * consumers then deliver those units without assembling anything.
 */
class ContextReadAheadTest {
    static TestApp app;
    static Pipeline pipeline;

    @BeforeAll
    static void start() {
        app = TestApp.start(Map.of("delivery.allow-private-targets", "true", "work.consumers", "4", "work.poll-interval", "100ms"));
        pipeline = app.herald.pipeline(TestParts.parts(app.herald, new TestParts.ScriptedGate()));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private List<Long> assemblies(UUID org) {
        return pipeline.contexts().assembliesByFingerprint().entrySet().stream()
                .filter(e -> e.getKey().startsWith(org.toString())).map(Map.Entry::getValue).toList();
    }

    @Test
    void queuedUnitsFindTheirContextsReadyWhenClaimedAndEachIsAssembledOnce() throws Exception {
        try (Receiver receiver = new Receiver()) {
            UUID org = app.herald.organizations().create("ReadAhead " + UUID.randomUUID(), null, false, null).id();
            Fixtures f = new Fixtures(app.herald.db(), org);
            for (int i = 0; i < 3; i++) f.contact(receiver.url("/ok"), "{}");
            List<UUID> incidents = f.incidents(40); // 120 queued units, 40 fingerprints, no consumer yet: all within the window

            try (ContextReadAhead ahead = new ContextReadAhead(pipeline.queue(), pipeline.contexts(), new Waker(null, null, null), 128, 2,
                    Duration.ofMillis(5), Duration.ofMillis(50), Duration.ofMinutes(5), new SimpleMeterRegistry())) {
                PipelineDeliveryTest.await("40 contexts read ahead", () -> assemblies(org).size() == incidents.size());
                assertThat(ahead.assembled()).isEqualTo(incidents.size());
            }
            assertThat(f.count("SELECT count(*) FROM work_units WHERE organization_id = ? AND state = 'queued'", org))
                    .as("reading ahead claims nothing").isEqualTo(120);

            pipeline.startConsumers();
            PipelineDeliveryTest.await("120 deliveries", () -> f.count(
                    "SELECT count(*) FROM work_units WHERE organization_id = ? AND state = 'done'", org) == 120);
            assertThat(assemblies(org)).hasSize(incidents.size()).allSatisfy(n -> assertThat(n).isEqualTo(1L));
            assertThat(f.count("SELECT count(*) FROM work_units WHERE organization_id = ? AND (timings->>'context_built')::boolean", org))
                    .as("no claimed unit assembled its context").isZero();
            assertThat(receiver.requestsById).hasSize(120);
        }
    }
}
