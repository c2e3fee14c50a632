package dev.herald.bench.latency;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.bench.BenchReport;
import dev.herald.workload.Profile;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The latency benchmark's table and {@code bench-results/latency.json}: one row per rate and variant (the fixed rates in
 * their order, then the default variant's highest sustained rate, so that {@code --repeat} medians compare like with
 * like), the search's steps, and Convoy's published figures as the external anchor.
 */
final class LatencyReport {
    /** Convoy's published delivery latency for its PostgreSQL queue (healthy receiver), quoted as the external anchor, not re-run. */
    static final Map<Integer, Double> CONVOY_P95_MS = Map.of(50, 124.0, 200, 127.0);

    private LatencyReport() {}

    static void write(Profile profile, int contacts, double seconds, String sustainedRule, List<ObjectNode> rows, List<ObjectNode> searched,
                      int maxSustained) {
        BenchReport r = new BenchReport("latency");
        ObjectNode j = r.json();
        j.put("profile", profile.wire());
        j.put("contacts", contacts);
        j.put("duration_s", seconds);
        j.put("receivers", "own JVM (bench ReceiverMain), verifying every signature");
        j.put("sustained_rule", sustainedRule);
        j.put("max_sustained_rate", maxSustained);
        ArrayNode list = j.putArray("rates");
        rows.forEach(list::add);
        ArrayNode s = j.putArray("search");
        searched.forEach(x -> s.add(dev.herald.json.Json.mapper().createObjectNode().put("rate", x.get("rate").asInt())
                .put("sustained", x.get("sustained").asBoolean()).put("e2e_p99_ms", x.get("e2e_p99_ms").asDouble())));
        ObjectNode anchor = j.putObject("anchor");
        anchor.put("source", "Convoy, published delivery latency of its PostgreSQL-backed queue with a healthy receiver (quoted, not re-run)");
        ArrayNode convoy = anchor.putArray("convoy");
        CONVOY_P95_MS.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> convoy.add(dev.herald.json.Json.mapper().createObjectNode().put("rate", e.getKey()).put("e2e_p95_ms", e.getValue())));
        r.header("rate/s", "variant", "sustained", "write p50", "write p99", "e2e p50", "e2e p95", "e2e p99", "e2e max", "oldest ms", "Convoy p95");
        for (ObjectNode x : rows) {
            Double convoyP95 = CONVOY_P95_MS.get(x.get("rate").asInt());
            r.row(x.get("rate").asText() + (x.has("highest_sustained") ? " (max)" : ""), x.get("variant").asText(), x.get("sustained").asText(),
                    BenchReport.ms(x.get("write_p50_ms").asDouble()), BenchReport.ms(x.get("write_p99_ms").asDouble()),
                    BenchReport.ms(x.get("e2e_p50_ms").asDouble()), BenchReport.ms(x.get("e2e_p95_ms").asDouble()),
                    BenchReport.ms(x.get("e2e_p99_ms").asDouble()), BenchReport.ms(x.get("e2e_max_ms").asDouble()),
                    String.format(Locale.ROOT, "%.0f", x.get("queue_oldest_age_max_ms").asDouble()),
                    convoyP95 == null ? "" : BenchReport.ms(convoyP95));
        }
        // e2e p99 at 200/s against Convoy's p95 at 200/s, for the gate when it is stable
        rows.stream().filter(x -> x.get("variant").asText().equals("default") && !x.has("highest_sustained")).forEach(x -> {
            Double c = CONVOY_P95_MS.get(x.get("rate").asInt());
            if (c != null) j.put("convoy_p95_over_e2e_p99_at_" + x.get("rate").asInt(), Math.round(c / Math.max(0.001, x.get("e2e_p99_ms").asDouble()) * 100) / 100.0);
        });
        r.finish();
    }
}
