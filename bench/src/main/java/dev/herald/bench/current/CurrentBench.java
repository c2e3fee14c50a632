package dev.herald.bench.current;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.Herald;
import dev.herald.api.HttpServer;
import dev.herald.bench.BenchReport;
import dev.herald.cli.DbOptions;
import dev.herald.current.CurrentIncidents;
import dev.herald.workload.Profile;
import dev.herald.workload.SeedSummary;
import dev.herald.workload.Workload;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./herald bench current}: on the reference workload, side by side in one run, the whole organization's
 * current incidents by (1) the flat LEFT JOIN query of the reference document, (2) the one-row-per-incident LATERAL
 * recompute, (3) serving the stored view through the cache; then {@code GET /incidents/current/{id}} over loopback HTTP
 * for random open incidents at a paced rate, latency from each request's scheduled start (HdrHistogram), with
 * {@code GET /health} measured the same way as the trivial-handler baseline. Checks the three produce the same content.
 */
@Command(name = "current", mixinStandardHelpOptions = true,
        description = "Current-incidents view: flat join vs LATERAL recompute vs served from the view; single-incident HTTP reads.")
public final class CurrentBench implements Callable<Integer> {
    @Mixin DbOptions db;

    @Option(names = "--quick", description = "Small profile and fewer reads (for CI, under a minute)")
    boolean quick;

    @Option(names = "--seed", defaultValue = "42", description = "Workload seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--reads", description = "Single-incident HTTP reads to measure (default 10000; 1000 with --quick)")
    Integer reads;

    @Option(names = "--rate", description = "Offered single-read rate per second (default 100; 200 with --quick)")
    Integer rateOption;

    @Option(names = "--http-only", description = "Only the single-read HTTP phase, printed, nothing saved (for tuning)")
    boolean httpOnly;

    @Override
    public Integer call() throws Exception {
        Profile profile = quick ? Profile.SMALL : Profile.LARGE;
        int nReads = reads != null ? reads : quick ? 1_000 : 10_000;
        int repeats = quick ? 3 : 5;
        int rate = rateOption != null ? rateOption : quick ? 200 : 100;
        try (Herald herald = Herald.open(db.load(Map.of("http.port", "0", "http.log-requests", "false")))) {
            SeedSummary s = Workload.ensureLoaded(herald.db(), herald.settings().seed(), profile, seed, line -> System.err.println("  " + line));
            UUID org = s.organizationId();
            CurrentIncidents view = herald.currentIncidents();
            var check = view.rebuild().run(org, 3);
            System.err.printf("organization %s: %d current incidents, stored view differences before the run: %d%n",
                    org, check.entries(), check.differences());

            // (4) single-incident reads over HTTP on loopback, first, on a clean heap, with the cache warm as in a server
            List<UUID> open = new ArrayList<>(view.incidentIds(org).orElseThrow());
            String key = herald.keys().create(org, "bench current").secret();
            Histogram single, trivial, ready;
            long gcDuring;
            settle(herald);
            long gcBefore = gcMillis();
            try (HttpServer http = herald.serveHttp()) {
                PacedReads pr = new PacedReads("http://127.0.0.1:" + http.port(), key, seed);
                pr.warmUp(open, quick ? 2_000 : 15_000);
                Thread.sleep(2_000); // let the JIT finish compiling what the warm-up made hot
                trivial = pr.measure(open, Math.min(nReads, 3_000), rate, "/health/live");
                single = pr.measure(open, nReads, rate, null);
                ready = pr.measure(open, Math.min(nReads, 3_000), rate, "/health");
                gcDuring = gcMillis() - gcBefore;
                if (pr.failures() > 0) throw new IllegalStateException(pr.failures() + " single reads did not answer 200 with the served entry");
            }

            if (httpOnly) {
                for (var e : Map.of("incident", single, "live", trivial, "health", ready).entrySet()) {
                    Histogram h = e.getValue();
                    System.out.printf("%-9s p50 %.3f  p90 %.3f  p95 %.3f  p99 %.3f  p99.9 %.3f  max %.3f ms%n", e.getKey(),
                            BenchReport.pctMs(h, 50), BenchReport.pctMs(h, 90), BenchReport.pctMs(h, 95), BenchReport.pctMs(h, 99),
                            BenchReport.pctMs(h, 99.9), h.getMaxValue() / 1000.0);
                }
                System.out.printf("GC %d ms%n", gcDuring);
                return 0;
            }

            // (1) flat join, (2) recompute, (3) served: each run several times, median reported
            FlatJoin.Result flat = null;
            double[] flatMs = new double[Math.max(2, repeats - 2)];
            for (int i = 0; i < flatMs.length; i++) {
                long t0 = System.nanoTime();
                try (Connection c = herald.db().dataSource().getConnection()) {
                    flat = FlatJoin.run(c, org);
                }
                flatMs[i] = ms(t0);
            }
            Map<UUID, JsonNode> recomputed = null;
            double[] recomputeMs = new double[repeats];
            for (int i = 0; i < repeats; i++) {
                long t0 = System.nanoTime();
                recomputed = view.recompute(org);
                recomputeMs[i] = ms(t0);
            }
            view.pageJson(org, null, 5000, false).orElseThrow(); // warm the cache once, as a running server would be
            int servedRuns = quick ? 20 : 50;
            double[] servedMs = new double[servedRuns];
            String body = null;
            for (int i = 0; i < servedRuns; i++) {
                long t0 = System.nanoTime();
                body = servedWhole(view, org);
                servedMs[i] = ms(t0);
            }
            Map<UUID, JsonNode> served = parseItems(body);
            boolean match = same(flat.entries(), recomputed) && same(recomputed, served) && !served.isEmpty();

            double flatMed = median(flatMs), recMed = median(recomputeMs), servedMed = median(servedMs);
            BenchReport r = new BenchReport("current");
            r.header("what", "median ms", "min ms", "notes");
            r.row("flat LEFT JOIN (reference style)", BenchReport.ms(flatMed), BenchReport.ms(min(flatMs)),
                    String.format("%,d flat rows for %,d incidents", flat.rows(), flat.entries().size()));
            r.row("LATERAL recompute (one row/incident)", BenchReport.ms(recMed), BenchReport.ms(min(recomputeMs)),
                    String.format("%,d rows", recomputed.size()));
            r.row("served from the view (cache)", BenchReport.ms(servedMed), BenchReport.ms(min(servedMs)),
                    String.format("%,d entries, %,d bytes, current per the change feed", served.size(), body.length()));
            r.row("speedup flat / served", String.format("%.0fx", flatMed / servedMed), "", "recompute / served "
                    + String.format("%.0fx", recMed / servedMed));
            r.row("GET /incidents/current/{id} p50 / p99", BenchReport.ms(BenchReport.pctMs(single, 50)) + " / "
                    + BenchReport.ms(BenchReport.pctMs(single, 99)), "", String.format("%,d reads at %d/s, max %s ms, from scheduled start",
                    single.getTotalCount(), rate, BenchReport.ms(single.getMaxValue() / 1000.0)) + ", GC " + gcDuring + " ms in this phase");
            r.row("GET /health/live (trivial) p50 / p99", BenchReport.ms(BenchReport.pctMs(trivial, 50)) + " / "
                    + BenchReport.ms(BenchReport.pctMs(trivial, 99)), "", String.format("%,d reads, no database: the HTTP floor", trivial.getTotalCount()));
            r.row("GET /health (SELECT 1) p50 / p99", BenchReport.ms(BenchReport.pctMs(ready, 50)) + " / "
                    + BenchReport.ms(BenchReport.pctMs(ready, 99)), "", String.format("%,d reads, one database round trip", ready.getTotalCount()));
            r.row("content match (flat = recompute = served)", String.valueOf(match), "", "");
            var j = r.json();
            j.put("profile", profile.wire());
            j.put("organization_id", org.toString());
            j.put("current_incidents", served.size());
            j.put("flat_join_rows", flat.rows());
            j.put("flat_join_ms", round(flatMed));
            j.put("recompute_ms", round(recMed));
            j.put("served_ms", round(servedMed));
            j.put("served_speedup", round(flatMed / servedMed));
            j.put("recompute_speedup_vs_flat", round(flatMed / recMed));
            j.put("single_incident_reads", single.getTotalCount());
            j.put("single_incident_rate_per_s", rate);
            j.put("single_incident_p50_ms", round(BenchReport.pctMs(single, 50)));
            j.put("single_incident_p99_ms", round(BenchReport.pctMs(single, 99)));
            j.put("single_incident_p999_ms", round(BenchReport.pctMs(single, 99.9)));
            j.put("single_incident_max_ms", round(single.getMaxValue() / 1000.0));
            j.put("gc_ms_during_http_phase", gcDuring);
            j.put("trivial_handler_p50_ms", round(BenchReport.pctMs(trivial, 50)));
            j.put("trivial_handler_p99_ms", round(BenchReport.pctMs(trivial, 99)));
            j.put("db_round_trip_handler_p99_ms", round(BenchReport.pctMs(ready, 99)));
            j.put("stored_view_differences", check.differences());
            j.put("match", match);
            r.finish();
            return match ? 0 : 1;
        }
    }

    /** Lets the database finish the bulk load's aftermath (dirty pages) before latencies are measured; best effort. */
    static void settle(Herald herald) {
        try (Connection c = herald.db().dataSource().getConnection(); var st = c.createStatement()) {
            st.execute("CHECKPOINT");
        } catch (Exception e) {
            System.err.println("  (no CHECKPOINT before the HTTP phase: " + e.getMessage() + ")");
        }
        System.gc();
    }

    static long gcMillis() {
        long t = 0;
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) t += Math.max(0, gc.getCollectionTime());
        return t;
    }

    /** The whole organization as served: pages of up to 5,000 through the cache, JSON bodies concatenated. */
    static String servedWhole(CurrentIncidents view, UUID org) {
        return view.pageJson(org, null, 5000, false).orElseThrow();
    }

    static Map<UUID, JsonNode> parseItems(String body) {
        Map<UUID, JsonNode> out = new HashMap<>();
        JsonNode page = FlatJoin.tree(body);
        if (page.path("has_more").asBoolean()) throw new IllegalStateException("organization has more than 5,000 current incidents");
        for (JsonNode item : page.get("items")) out.put(UUID.fromString(item.path("incident").path("id").asText()), item);
        return out;
    }

    static boolean same(Map<UUID, JsonNode> a, Map<UUID, JsonNode> b) {
        if (!a.keySet().equals(b.keySet())) return false;
        for (var e : a.entrySet()) {
            if (!e.getValue().equals((x, y) -> x.isNumber() && y.isNumber()
                    ? Double.compare(x.doubleValue(), y.doubleValue()) == 0 ? 0 : 1 : x.equals(y) ? 0 : 1, b.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
