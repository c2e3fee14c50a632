package dev.herald.limits;

import dev.herald.infra.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;

/** The gate's meters: check latency per backend and decisions by kind. Thread-safe. */
final class GateMetrics {
    final Timer local;
    final Timer redis;
    private final Counter allowed;
    private final Counter delayed;
    private final Counter skipped;

    GateMetrics(Metrics metrics) {
        this.local = metrics.timer("herald.gate.check", "Time of one delivery-gate check", "backend", "local");
        this.redis = metrics.timer("herald.gate.check", "Time of one delivery-gate check", "backend", "redis");
        var r = metrics.registry();
        this.allowed = Counter.builder("herald.gate.decisions").description("Delivery-gate answers").tag("decision", "allowed").register(r);
        this.delayed = Counter.builder("herald.gate.decisions").description("Delivery-gate answers").tag("decision", "delayed").register(r);
        this.skipped = Counter.builder("herald.gate.decisions").description("Delivery-gate answers").tag("decision", "skipped").register(r);
    }

    GateDecision count(GateDecision d) {
        switch (d) {
            case GateDecision.Allow a -> allowed.increment();
            case GateDecision.Delay x -> delayed.increment();
            case GateDecision.Skip x -> skipped.increment();
        }
        return d;
    }
}
