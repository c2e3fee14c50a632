package dev.herald.bench.burst;

import dev.herald.bench.BenchReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Per-operation timings in the shape of the reference analysis table: operation, duration (p50 and p99 per message),
 * and share of the total time spent in all operations. Values in microseconds. Thread-safe.
 */
final class StepTable {
    private final Map<String, Histogram> steps = new LinkedHashMap<>();
    private final Map<String, Long> totals = new LinkedHashMap<>();

    synchronized void record(String operation, long micros) {
        steps.computeIfAbsent(operation, k -> new Histogram(3_600_000_000L, 3)).recordValue(Math.max(0, Math.min(micros, 3_600_000_000L)));
        totals.merge(operation, micros, Long::sum);
    }

    /** Rows: operation, p50 ms, p99 ms, share of total. */
    synchronized List<String[]> rows() {
        long all = totals.values().stream().mapToLong(Long::longValue).sum();
        List<String[]> out = new ArrayList<>();
        for (var e : steps.entrySet()) {
            Histogram h = e.getValue();
            double share = all == 0 ? 0 : 100.0 * totals.get(e.getKey()) / all;
            out.add(new String[] {e.getKey(), BenchReport.ms(BenchReport.pctMs(h, 50)), BenchReport.ms(BenchReport.pctMs(h, 99)),
                    String.format(Locale.ROOT, "%.1f%%", share)});
        }
        return out;
    }

    /** {operation: {p50_ms, p99_ms, share}} for the JSON. */
    synchronized Map<String, Map<String, Double>> summary() {
        long all = totals.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        for (var e : steps.entrySet()) {
            out.put(e.getKey(), Map.of("p50_ms", BenchReport.pctMs(e.getValue(), 50), "p99_ms", BenchReport.pctMs(e.getValue(), 99),
                    "share", all == 0 ? 0.0 : Math.round(1000.0 * totals.get(e.getKey()) / all) / 1000.0));
        }
        return out;
    }
}
