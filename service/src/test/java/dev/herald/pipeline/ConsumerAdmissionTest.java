package dev.herald.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestApp;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * work.max-in-flight: 16 consumers claiming batches of 8 (128 units at once without admission) against a slow
 * receiver never hold more than 4 units claimed, and everything is still delivered exactly once.
 */
@Tag("slow") // 200 deliveries through a 30 ms receiver, 4 at a time, sampled throughout: about 4 s
class ConsumerAdmissionTest {
    static TestApp app;
    static Pipeline pipeline;

    @BeforeAll
    static void start() {
        app = TestApp.start(Map.of("delivery.allow-private-targets", "true", "work.consumers", "16", "work.batch-size", "8",
                "work.max-in-flight", "4", "work.poll-interval", "100ms"));
        pipeline = app.herald.pipeline(TestParts.parts(app.herald, new TestParts.ScriptedGate()));
        pipeline.startConsumers();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void aProcessNeverHoldsMoreUnitsClaimedThanItsAdmissionAllows() throws Exception {
        try (Receiver receiver = new Receiver()) {
            receiver.slowMillis = 30;
            UUID org = app.herald.organizations().create("Admission " + UUID.randomUUID(), null, false, null).id();
            Fixtures f = new Fixtures(app.herald.db(), org);
            for (int i = 0; i < 10; i++) f.contact(receiver.url("/slow"), "{}");
            AtomicLong maxRunning = new AtomicLong();
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = Thread.ofPlatform().start(() -> {
                while (sampling.get()) {
                    maxRunning.accumulateAndGet(f.count("SELECT count(*) FROM work_units WHERE organization_id = ? AND state = 'running'", org),
                            Math::max);
                }
            });
            f.incidents(20);
            PipelineDeliveryTest.await("200 deliveries", () -> f.count("SELECT count(*) FROM (SELECT state, organization_id FROM work_units "
                    + "UNION ALL SELECT state, organization_id FROM work_units_done) s WHERE organization_id = ? AND state = 'done'", org) == 200);
            sampling.set(false);
            sampler.join();
            assertThat(maxRunning.get()).as("units claimed at once").isBetween(1L, 4L);
            assertThat(receiver.acceptedById).hasSize(200);
            assertThat(receiver.acceptedById.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        }
    }
}
