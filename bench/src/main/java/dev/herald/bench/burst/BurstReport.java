package dev.herald.bench.burst;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.bench.BenchReport;
import dev.herald.json.Json;
import dev.herald.workload.Profile;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/** The burst's printed tables and {@code bench-results/burst.json}: Herald and the old design side by side, per message. */
final class BurstReport {
    private final Profile profile;
    private final int processes;
    private final int consumers;

    BurstReport(Profile profile, int processes, int consumers) {
        this.profile = profile;
        this.processes = processes;
        this.consumers = consumers;
    }

    void write(HeraldBurst.Result h, int messages, long distinct, long duplicates, long invalid, Double assemblies,
               OldDesignDrain.Result old, long oldDistinct, long oldDuplicates, long oldInvalid, ObjectNode cpuPerMessageMs) {
        BenchReport r = new BenchReport("burst");
        ObjectNode j = r.json();
        j.set("cpu_per_message_ms", cpuPerMessageMs);
        j.put("profile", profile.wire());
        j.put("processes", processes);
        j.put("consumers", consumers);
        figures(j, messages, h.drainSeconds(), h.processing(), h.e2e(), h.throttle(), duplicates, messages - distinct, assemblies);
        j.put("invalid_signatures", invalid);
        j.put("fingerprints", h.fingerprints());
        j.put("contexts_built_at_claim", h.builtAtClaim()); // the rest were assembled by the read-ahead before the claim
        j.put("work_p50_ms", BenchReport.pctMs(h.work(), 50));
        j.put("work_p99_ms", BenchReport.pctMs(h.work(), 99));
        j.set("steps", Json.mapper().valueToTree(h.steps().summary()));
        r.header("per message", "Herald", old == null ? "old design (skipped)" : "old design (sample of " + old.messages() + ")");
        row(r, "messages", Integer.toString(messages), old == null ? "" : Integer.toString(old.messages()));
        row(r, "drain s", f2(h.drainSeconds()), old == null ? "" : f2(old.drainSeconds()));
        row(r, "msgs/s", f2(messages / Math.max(1e-9, h.drainSeconds())), old == null ? "" : f2(old.messages() / old.drainSeconds()));
        row(r, "processing p50 ms (claim→ack)", BenchReport.ms(BenchReport.pctMs(h.processing(), 50)), old == null ? "" : BenchReport.ms(BenchReport.pctMs(old.processing(), 50)));
        row(r, "processing p99 ms", BenchReport.ms(BenchReport.pctMs(h.processing(), 99)), old == null ? "" : BenchReport.ms(BenchReport.pctMs(old.processing(), 99)));
        row(r, "processing max ms", BenchReport.ms(h.processing().getMaxValue() / 1000.0), old == null ? "" : BenchReport.ms(old.processing().getMaxValue() / 1000.0));
        row(r, "own work p50 ms (step sum)", BenchReport.ms(BenchReport.pctMs(h.work(), 50)), "");
        row(r, "end-to-end p50 ms", BenchReport.ms(BenchReport.pctMs(h.e2e(), 50)), old == null ? "" : BenchReport.ms(BenchReport.pctMs(old.e2e(), 50)));
        row(r, "end-to-end p99 ms", BenchReport.ms(BenchReport.pctMs(h.e2e(), 99)), old == null ? "" : BenchReport.ms(BenchReport.pctMs(old.e2e(), 99)));
        row(r, "throttle check p99 ms", BenchReport.ms(BenchReport.pctMs(h.throttle(), 99)), old == null ? "" : BenchReport.ms(BenchReport.pctMs(old.throttle(), 99)));
        row(r, "assemblies per fingerprint", assemblies == null ? "n/a" : f2(assemblies),
                old == null ? "" : f2(old.assemblies() / (double) Math.max(1, old.fingerprints())));
        row(r, "duplicates / lost / bad signatures", duplicates + " / " + (messages - distinct) + " / " + invalid,
                old == null ? "" : oldDuplicates + " / " + (old.messages() - oldDistinct) + " / " + oldInvalid);
        if (old != null) {
            ObjectNode b = j.putObject("baseline");
            figures(b, old.messages(), old.drainSeconds(), old.processing(), old.e2e(), old.throttle(), oldDuplicates,
                    old.messages() - oldDistinct, old.assemblies() / (double) Math.max(1, old.fingerprints()));
            b.put("failures", old.failures());
            b.put("how", "per message: context cache checked, on a miss generated and cached only after generation (racers all pay); "
                    + "the old recursive query (verbatim, unbounded, path-enumerating) for the incident and once per direct intel request, "
                    + "the old OR direct lookup per intel request, bulk intel requests, bulk assets, organization, one after another; "
                    + "lock-based GCRA (SET NX PX lock, 100 ms polling) checked twice; SET NX idempotency lock; the same signed webhook "
                    + "sender and receivers; messages from an in-memory broker queue; the sample is whole incidents (each contact's message), "
                    + "spread evenly over the burst");
            b.set("steps", Json.mapper().valueToTree(old.steps().summary()));
            double speedup = BenchReport.pctMs(old.processing(), 50) / Math.max(0.001, BenchReport.pctMs(h.processing(), 50));
            j.put("speedup_p50", Math.round(speedup * 10) / 10.0);
            row(r, "speedup (processing p50)", String.format(Locale.ROOT, "%.0fx", speedup), "");
        }
        r.finish();
        printSteps("Herald: per-step timings (from the work units' recorded timings)", h.steps());
        if (old != null) printSteps("Old design: per-operation timings", old.steps());
    }

    private static void figures(ObjectNode j, int messages, double drain, Histogram processing, Histogram e2e, Histogram throttle,
                                long duplicates, long lost, Double assemblies) {
        j.put("messages", messages);
        j.put("drain_s", Math.round(drain * 1000) / 1000.0);
        j.put("msgs_per_s", Math.round(messages / Math.max(1e-9, drain) * 10) / 10.0);
        j.put("p50_ms", BenchReport.pctMs(processing, 50));
        j.put("p99_ms", BenchReport.pctMs(processing, 99));
        j.put("max_ms", processing.getMaxValue() / 1000.0);
        j.put("e2e_p50_ms", BenchReport.pctMs(e2e, 50));
        j.put("e2e_p99_ms", BenchReport.pctMs(e2e, 99));
        j.put("duplicates", duplicates);
        j.put("lost", lost);
        if (assemblies == null) j.putNull("assemblies_per_fingerprint");
        else j.put("assemblies_per_fingerprint", Math.round(assemblies * 1000) / 1000.0);
        j.put("throttle_p99_ms", BenchReport.pctMs(throttle, 99));
    }

    private static void printSteps(String title, StepTable steps) {
        System.out.println();
        System.out.println(title);
        BenchReport t = new BenchReport("unused");
        t.header("operation", "p50 ms", "p99 ms", "% of total");
        steps.rows().forEach(t::row);
        t.printTable();
    }

    private static void row(BenchReport r, String label, String a, String b) {
        r.row(label, a, b);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
