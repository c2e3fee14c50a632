package dev.herald.pipeline;

import dev.herald.infra.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The pipeline's Prometheus meters: {@code herald_pipeline_step_seconds{step}} (wait, claim, context, render, throttle,
 * send), {@code herald_work_units_total{outcome}}, {@code herald_deliveries_total{outcome}}, and the queue gauges
 * {@code herald_queue_depth}, {@code herald_queue_running}, {@code herald_queue_oldest_age_seconds},
 * {@code herald_queue_dead}, read from the database at most once per {@code cache.ttl.metrics}. Thread-safe.
 */
final class PipelineMetrics {
    private final Metrics metrics;
    private final Map<String, Timer> steps = new ConcurrentHashMap<>();
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final Map<String, Counter> deliveries = new ConcurrentHashMap<>();
    private final Supplier<WorkQueue.Gauges> gauges;

    PipelineMetrics(Metrics metrics, WorkQueue queue, Duration gaugeTtl) {
        this.metrics = metrics;
        this.gauges = memoize(queue::gauges, gaugeTtl.toNanos());
        var r = metrics.registry();
        Gauge.builder("herald.queue.depth", () -> gauges.get().queued()).description("Work units queued (ready or scheduled)").register(r);
        Gauge.builder("herald.queue.running", () -> gauges.get().running()).description("Work units leased by a consumer").register(r);
        Gauge.builder("herald.queue.dead", () -> gauges.get().dead()).description("Dead work units awaiting redrive").register(r);
        Gauge.builder("herald.queue.oldest.age", () -> gauges.get().oldestSeconds()).baseUnit("seconds")
                .description("Age of the oldest queued or running work unit").register(r);
        for (String s : StepTimer.STEPS) step(s);
        step("wait");
    }

    Timer step(String name) {
        return steps.computeIfAbsent(name, n -> metrics.timer("herald.pipeline.step", "Time of one pipeline step per work unit", "step", n));
    }

    void record(StepTimer t, String outcome) {
        step("wait").record(Math.round(t.waitedMs() * 1000), TimeUnit.MICROSECONDS);
        t.steps().forEach((s, nanos) -> step(s).record(nanos, TimeUnit.NANOSECONDS));
        outcomes.computeIfAbsent(outcome, o -> Counter.builder("herald.work.units").description("Work unit attempts by outcome")
                .tag("outcome", o).register(metrics.registry())).increment();
    }

    void delivery(String outcome) {
        deliveries.computeIfAbsent(outcome, o -> Counter.builder("herald.deliveries").description("Send attempts by outcome")
                .tag("outcome", o).register(metrics.registry())).increment();
    }

    /** The gauges, read from the database at most once per TTL; the last value (or NaN) when the database does not answer. */
    private static Supplier<WorkQueue.Gauges> memoize(Supplier<WorkQueue.Gauges> source, long ttlNanos) {
        WorkQueue.Gauges unknown = new WorkQueue.Gauges(-1, -1, -1, Double.NaN);
        return new Supplier<>() {
            private WorkQueue.Gauges value = unknown;
            private long at = Long.MIN_VALUE;

            @Override
            public synchronized WorkQueue.Gauges get() {
                long now = System.nanoTime();
                if (at == Long.MIN_VALUE || now - at > ttlNanos) {
                    try {
                        value = source.get();
                    } catch (RuntimeException e) {
                        // keep the last value; the scrape must not fail
                    }
                    at = now;
                }
                return value;
            }
        };
    }
}
