package dev.herald.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The step timings of one work unit's attempt, in milliseconds, recorded into the unit's {@code timings} jsonb and the
 * per-step histograms. Not thread-safe: one per attempt.
 */
final class StepTimer {
    static final String[] STEPS = {"claim", "context", "render", "throttle", "send"};

    private final LongSupplier nanos;
    private final Map<String, Long> stepNanos = new LinkedHashMap<>();
    private final double waitedMs;
    private final java.util.Set<String> flags = new java.util.LinkedHashSet<>();

    StepTimer(LongSupplier nanos, double waitedMs) {
        this.nanos = nanos;
        this.waitedMs = waitedMs;
    }

    <T> T time(String step, Supplier<T> work) {
        long start = nanos.getAsLong();
        try {
            return work.get();
        } finally {
            add(step, nanos.getAsLong() - start);
        }
    }

    void add(String step, long elapsedNanos) {
        stepNanos.merge(step, elapsedNanos, Long::sum);
    }

    /** Marks something that happened in this attempt (written as {@code name: true}, e.g. {@code context_built}). */
    void flag(String name) {
        flags.add(name);
    }

    Map<String, Long> steps() {
        return stepNanos;
    }

    double waitedMs() {
        return waitedMs;
    }

    ObjectNode toJson(String outcome, int attempt, String consumer, Object deliveryId) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("outcome", outcome);
        o.put("attempt", attempt);
        o.put("consumer", consumer);
        if (deliveryId != null) o.put("delivery_id", deliveryId.toString());
        o.put("wait_ms", Math.round(waitedMs * 1000) / 1000.0);
        long total = 0;
        for (var e : stepNanos.entrySet()) {
            o.put(e.getKey() + "_ms", Math.round(e.getValue() / 1_000.0) / 1_000.0);
            total += e.getValue();
        }
        o.put("total_ms", Math.round(total / 1_000.0) / 1_000.0);
        for (String f : flags) o.put(f, true);
        return o;
    }
}
