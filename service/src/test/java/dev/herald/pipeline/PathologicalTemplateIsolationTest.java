package dev.herald.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestApp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * One organization's pathological template cannot slow another organization's deliveries: organization B's delivery
 * latency (incident written → webhook received, real pipeline, real HTTP) while organization A floods the pipeline with
 * units whose template never finishes is within 2x of B's latency without A. Before the render budget, A's units
 * rendered for tens of seconds each on the consumers' threads and B's delivery waited behind them.
 */
@Tag("slow") // about 15 s: two rounds of deliveries plus A's flood
class PathologicalTemplateIsolationTest {
    static TestApp app;
    static Pipeline pipeline;
    static Receiver receiver;

    @BeforeAll
    static void start() throws Exception {
        app = TestApp.start(Map.of("delivery.allow-private-targets", "true"));
        pipeline = app.herald.pipeline(TestParts.parts(app.herald));
        pipeline.startConsumers();
        receiver = new Receiver();
    }

    @AfterAll
    static void stop() {
        receiver.close();
        app.close();
    }

    /** Milliseconds from writing an incident in {@code b} to its webhook arriving, over {@code n} incidents, sorted. */
    static List<Long> latenciesMs(Fixtures b, int n, Runnable between) {
        List<Long> ms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            between.run();
            long t0 = System.nanoTime();
            UUID incident = b.incident("power", 3);
            Awaitility.await("B's delivery").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(2))
                    .until(() -> receiver.seen.stream().anyMatch(s -> s.body().contains(incident.toString())));
            ms.add((System.nanoTime() - t0) / 1_000_000);
        }
        System.out.println("B's delivery latencies (ms), in order: " + ms);
        ms.sort(null);
        return ms;
    }

    @Test
    void anotherOrganizationsRunawayTemplateLeavesDeliveryLatencyWithinTwiceTheBaseline() {
        Fixtures a = new Fixtures(app.herald.db(), app.herald.organizations().create("A " + UUID.randomUUID(), null, false, null).id());
        Fixtures b = new Fixtures(app.herald.db(), app.herald.organizations().create("B " + UUID.randomUUID(), null, false, null).id());
        b.contact(receiver.url("/b"), "{}");
        for (int i = 0; i < 16; i++) a.contact(receiver.url("/a"), "{}");
        Runnable flood = () -> {
            a.incidents(2); // 32 units of A before each of B's incidents
            sleep(50);
        };
        latenciesMs(b, 3, flood); // warm-up: caches, JIT, connections
        List<Long> alone = latenciesMs(b, 9, flood); // the same traffic, A with the default template

        // A's template as saved before save-time checks existed: 2^40 macro calls, never finishes on its own.
        a.exec("INSERT INTO templates (organization_id, name, body) VALUES (?, 'webhook_body', ?)", a.org,
                "{% macro m(n) %}{% if n > 0 %}{{ m(n - 1) }}{{ m(n - 1) }}{% endif %}{% endmacro %}{{ m(40) }}{}");
        app.herald.db().write("Test.NOTIFY", c -> { // as a save announces it
            try (var ps = c.prepareStatement("SELECT pg_notify('herald_templates', ?)")) {
                ps.setString(1, a.org.toString());
                return ps.execute();
            }
        });
        Awaitility.await("A's deliveries so far").atMost(Duration.ofSeconds(60))
                .until(() -> receiver.seen.stream().filter(s -> s.path().equals("/a")).count() == 12 * 32);
        sleep(300);
        List<Long> withA = latenciesMs(b, 9, flood);
        long baseline = alone.get(alone.size() / 2);
        long median = withA.get(withA.size() / 2);
        System.out.printf("B's delivery latency: median %d ms, max %d ms alone; median %d ms, max %d ms with A's runaway template%n",
                baseline, alone.get(alone.size() - 1), median, withA.get(withA.size() - 1));

        assertThat(median).as("B's median latency with A's runaway template (baseline %d ms)", baseline)
                .isLessThanOrEqualTo(Math.max(2 * baseline, baseline + 20));
        // The one delivery that meets A's first runaway render waits at most that render's wall-clock limit (2 x 500 ms on
        // a machine starved of CPU), once: A renders one at a time, on one of the two render threads, and is suspended
        // after that render.
        assertThat(withA.get(withA.size() - 1)).as("B's slowest delivery with A's runaway template")
                .isLessThanOrEqualTo(alone.get(alone.size() - 1) + 2 * 500 + 500);
        // A's units failed on their render, with a message saying why, and none rendered with the runaway template was sent.
        assertThat(receiver.seen.stream().filter(s -> s.path().equals("/a")).count()).isEqualTo(12 * 32);
        assertThat(a.count("SELECT count(*) FROM (SELECT last_error FROM work_units WHERE organization_id = ? UNION ALL "
                + "SELECT last_error FROM work_units_done WHERE organization_id = ?) u(error) WHERE error LIKE '%webhook_body%'", a.org, a.org)).isPositive();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
