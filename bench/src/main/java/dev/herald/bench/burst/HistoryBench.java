package dev.herald.bench.burst;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.Herald;
import dev.herald.bench.BenchReport;
import dev.herald.cli.DbOptions;
import dev.herald.workload.Profile;
import dev.herald.workload.SeedSummary;
import dev.herald.workload.Workload;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./herald bench history}: does a month of delivery history slow the claim or the ack? The same burst (the
 * burst benchmark's fixture: incidents x 3 webhook contacts on verifying receivers) drained {@code --rounds} times
 * with an empty delivery log, then {@code --history} deliveries and as many attempts are written spread over the last
 * 30 days (day partitions of the attempt log, analyzed), and the burst drained {@code --rounds} times again, in the
 * same process on the same data. Compares each unit's processing time (claim to ack) and the drain.
 * Writes {@code bench-results/history.json}.
 */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Drain the same burst with an empty delivery log and with a month of history, side by side.")
public final class HistoryBench implements Callable<Integer> {
    @Mixin DbOptions db;

    @Option(names = "--history", defaultValue = "1000000", description = "Deliveries (and attempts) of history: 30 days of a 7,617-message burst every 6 hours is 914,040. Default: ${DEFAULT-VALUE}")
    int history;

    @Option(names = "--incidents", defaultValue = "1000", description = "Incidents per burst (x 3 contacts). Default: ${DEFAULT-VALUE}")
    int incidents;

    @Option(names = "--rounds", defaultValue = "3", description = "Bursts on each side. Default: ${DEFAULT-VALUE}")
    int rounds;

    @Option(names = "--quick", description = "The small profile, 30 incidents, 50,000 deliveries of history")
    boolean quick;

    @Option(names = "--seed", defaultValue = "42", description = "Workload seed. Default: ${DEFAULT-VALUE}")
    long seed;

    /** One batch of history: deliveries spread over the last 29 days, each with its one attempt, in one statement. */
    private static final String HISTORY_BATCH = """
            WITH d AS (
                INSERT INTO deliveries (id, organization_id, work_unit_id, contact_id, idempotency_key, channel, status, attempts,
                                        response_code, created_at, sent_at, event, subject_type, subject_id)
                SELECT gen_random_uuid(), ?, s.u, s.c, s.u::text || ':' || s.c::text, 'webhook', 'sent', 1, 200, s.t, s.t,
                       'incident.updated', 'incident', gen_random_uuid()
                FROM (SELECT gen_random_uuid() AS u, (?::uuid[])[1 + g % 3] AS c,
                             now() - interval '1 hour' - random() * interval '29 days' AS t
                      FROM generate_series(1, ?) g) s
                RETURNING id, organization_id, contact_id, created_at)
            INSERT INTO delivery_attempts (delivery_id, attempt, organization_id, contact_id, started_at, duration_ms, outcome,
                                           response_code, response_excerpt, process)
            SELECT id, 1, organization_id, contact_id, created_at, 5, 'delivered', 200, '{"ok":true}', 'history' FROM d""";
    /** Rows per history statement: each well inside its timeout on a busy machine. */
    private static final int BATCH = 20_000;

    @Override
    public Integer call() throws Exception {
        Profile profile = quick ? Profile.SMALL : Profile.LARGE;
        int perBurst = quick ? Math.min(incidents, 30) : incidents;
        int rows = quick ? Math.min(history, 50_000) : history;
        try (Herald herald = Herald.open(db.load(BurstBench.sharedSettings()))) {
            SeedSummary seeded = Workload.ensureLoaded(herald.db(), herald.settings().seed(), profile, seed, System.err::println);
            UUID org = seeded.organizationId();
            herald.graph().preload(org);
            try (BurstFixture f = new BurstFixture(herald.db(), org, 3, perBurst, perBurst)) {
                herald.pipeline().startConsumers();
                long expected = 0;
                long base = HeraldBurst.enqueue(herald, f, f.warmUp); // warm-up, unmeasured
                expected += (long) f.warmUp.size() * 3;
                HeraldBurst.awaitDrained(herald, f, base, expected, Duration.ofMinutes(5));
                List<HeraldBurst.Result> empty = new ArrayList<>();
                List<HeraldBurst.Result> full = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    expected += f.messages();
                    empty.add(burst(herald, f, expected));
                }
                Instant t0 = Instant.now();
                writeHistory(herald, f, rows);
                double historyS = Duration.between(t0, Instant.now()).toMillis() / 1000.0;
                System.err.printf(Locale.ROOT, "history: %,d deliveries and attempts written and analyzed in %.1f s%n", rows, historyS);
                for (int r = 0; r < rounds; r++) {
                    expected += f.messages();
                    full.add(burst(herald, f, expected));
                }
                herald.pipeline().close();
                report(profile, f, rows, historyS, empty, full);
            }
        }
        return 0;
    }

    private static HeraldBurst.Result burst(Herald herald, BurstFixture f, long expected) throws InterruptedException {
        Thread.sleep(500);
        long base = HeraldBurst.enqueue(herald, f);
        double committed = Instant.now().toEpochMilli() / 1000.0;
        if (!HeraldBurst.awaitDrained(herald, f, base, expected, Duration.ofMinutes(5))) {
            throw new IllegalStateException("a burst did not drain in 5 minutes");
        }
        HeraldBurst.Result h = HeraldBurst.measure(herald, f, base, committed);
        System.err.printf(Locale.ROOT, "burst: %,d in %.2f s, processing p50 %.2f ms p99 %.2f ms%n", h.done(), h.drainSeconds(),
                BenchReport.pctMs(h.processing(), 50), BenchReport.pctMs(h.processing(), 99));
        return h;
    }

    private static void writeHistory(Herald herald, BurstFixture f, int rows) {
        UUID[] contacts = f.endpoints.stream().map(e -> e.contact().id()).toArray(UUID[]::new);
        herald.db().write("HistoryBench.PARTITIONS", c -> {
            try (var st = c.createStatement()) {
                st.execute("SELECT herald_attempt_partitions((now() AT TIME ZONE 'UTC')::date - 31, (now() AT TIME ZONE 'UTC')::date)");
            }
            return null;
        });
        for (int done = 0; done < rows; done += BATCH) {
            int n = Math.min(BATCH, rows - done);
            herald.db().transaction("HistoryBench.BATCH", Duration.ofSeconds(100), c -> {
                try (PreparedStatement ps = c.prepareStatement(HISTORY_BATCH)) {
                    ps.setObject(1, f.organizationId);
                    ps.setArray(2, c.createArrayOf("uuid", contacts));
                    ps.setInt(3, n);
                    return ps.executeUpdate();
                }
            });
        }
        herald.db().write("HistoryBench.ANALYZE", c -> {
            try (var st = c.createStatement()) {
                st.execute("ANALYZE deliveries");
                st.execute("ANALYZE delivery_attempts");
            }
            return null;
        });
    }

    private static void report(Profile profile, BurstFixture f, int rows, double historyS, List<HeraldBurst.Result> empty,
                               List<HeraldBurst.Result> full) {
        BenchReport r = new BenchReport("history");
        r.header("", "empty log", "with " + String.format(Locale.ROOT, "%,d", rows) + " deliveries + attempts", "ratio");
        ObjectNode j = r.json();
        j.put("profile", profile.wire());
        j.put("messages_per_burst", f.messages());
        j.put("rounds", empty.size());
        j.put("history_deliveries", rows);
        j.put("history_attempts", rows);
        j.put("history_write_s", historyS);
        figure(r, j, "processing_p50_ms", "processing p50 ms (claim→ack)", empty, full, h -> BenchReport.pctMs(h.processing(), 50));
        figure(r, j, "processing_p99_ms", "processing p99 ms", empty, full, h -> BenchReport.pctMs(h.processing(), 99));
        figure(r, j, "drain_s", "drain s", empty, full, HeraldBurst.Result::drainSeconds);
        j.put("duplicates", f.duplicates());
        j.put("invalid_signatures", f.invalidSignatures());
        j.put("load_average_at_end", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        r.finish();
    }

    private static void figure(BenchReport r, ObjectNode j, String key, String label, List<HeraldBurst.Result> empty,
                               List<HeraldBurst.Result> full, java.util.function.ToDoubleFunction<HeraldBurst.Result> of) {
        List<Double> a = empty.stream().map(of::applyAsDouble).sorted().toList();
        List<Double> b = full.stream().map(of::applyAsDouble).sorted().toList();
        double ma = median(a), mb = median(b);
        ObjectNode o = j.putObject(key);
        o.put("empty_median", ma).put("empty_min", a.get(0)).put("empty_max", a.get(a.size() - 1));
        o.put("history_median", mb).put("history_min", b.get(0)).put("history_max", b.get(b.size() - 1));
        o.put("ratio", Math.round(mb / Math.max(1e-9, ma) * 100) / 100.0);
        r.row(label, String.format(Locale.ROOT, "%.2f (%.2f-%.2f)", ma, a.get(0), a.get(a.size() - 1)),
                String.format(Locale.ROOT, "%.2f (%.2f-%.2f)", mb, b.get(0), b.get(b.size() - 1)),
                String.format(Locale.ROOT, "%.2f", mb / Math.max(1e-9, ma)));
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
