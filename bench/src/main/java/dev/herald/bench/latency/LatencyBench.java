package dev.herald.bench.latency;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.Herald;
import dev.herald.api.HttpServer;
import dev.herald.bench.BenchReport;
import dev.herald.bench.LoadSample;
import dev.herald.bench.Statements;
import dev.herald.bench.burst.BurstBench;
import dev.herald.bench.burst.BurstFixture;
import dev.herald.bench.ratelimit.Baselines;
import dev.herald.cli.DbOptions;
import dev.herald.config.Settings;
import dev.herald.contacts.Channel;
import dev.herald.contacts.ContactTarget;
import dev.herald.contacts.WebhookSecrets;
import dev.herald.workload.Profile;
import dev.herald.workload.SeedSummary;
import dev.herald.workload.Workload;
import java.lang.management.ManagementFactory;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./herald bench latency}: latency under offered load, from the write that feeds Herald to the receiver's 2xx.
 * An open-loop generator ({@link OpenLoop}) writes incident changes through the HTTP API at fixed rates on the large
 * profile; each change fans out to {@code --contacts} webhook contacts whose verifying receivers run in their own JVM
 * ({@link ReceiverMain}). Per rate: write latency, end-to-end latency (HdrHistogram, from the scheduled start), the
 * queue's oldest age and whether the rate was sustained; then a search for the highest sustained rate. The same rates
 * run with {@code current.consistency=strict} and with Redis in the same run. Writes {@code bench-results/latency.json}.
 */
@Command(name = "latency", mixinStandardHelpOptions = true,
        description = "Open-loop incident writes through the API at fixed rates; write and write-to-receiver latency, default / strict / Redis.")
public final class LatencyBench implements Callable<Integer> {
    static final String SUSTAINED_RULE = "every write answered 200; every delivery reached its receiver within the drain grace after "
            + "the last scheduled write; the queue's oldest queued or running unit never older than the backlog bound "
            + "(a backlog that grows makes it grow without bound)";

    private static final String INCIDENTS = """
            SELECT id, severity FROM incidents WHERE organization_id = ? AND status = 'open' AND deleted_at IS NULL ORDER BY id LIMIT ?""";
    /**
     * The age of the oldest open unit of the run's live contacts, probed several times a second during a rate: through
     * the queue's partial indexes (one branch per state), since {@code state IN (...)} matched neither and scanned every
     * unit the table still held (12-37 ms per probe, a sixth of a core at 50 writes/s taken from what it measures).
     */
    private static final String OLDEST = """
            SELECT coalesce(extract(epoch FROM now() - min(w.created_at)), 0) FROM (
                SELECT created_at, contact_id FROM work_units WHERE state = 'queued' AND organization_id = ?
                UNION ALL
                SELECT created_at, contact_id FROM work_units WHERE state = 'running' AND organization_id = ?) w
            JOIN contacts c ON c.id = w.contact_id AND c.disabled_at IS NULL""";

    @Mixin DbOptions db;

    @Option(names = "--rates", split = ",", defaultValue = "50,200,500,1000", description = "Offered writes per second. Default: ${DEFAULT-VALUE}")
    List<Integer> rates;

    @Option(names = "--variants", split = ",", defaultValue = "default,strict,redis", description = "default, strict (current.consistency=strict), redis. Default: ${DEFAULT-VALUE}")
    List<String> variants;

    @Option(names = "--duration-s", defaultValue = "10", description = "Seconds each rate is offered. Default: ${DEFAULT-VALUE}")
    double durationS;

    @Option(names = "--contacts", defaultValue = "2", description = "Webhook contacts each change fans out to. Default: ${DEFAULT-VALUE}")
    int contacts;

    @Option(names = "--consumers", description = "work.consumers (default: Herald's setting)")
    Integer consumers;

    @Option(names = "--search-steps", defaultValue = "3", description = "Bisection steps searching the highest sustained rate (default variant; 0 = none). Default: ${DEFAULT-VALUE}")
    int searchSteps;

    @Option(names = "--drain-grace-s", defaultValue = "3", description = "How long after the last scheduled write every delivery must have arrived. Default: ${DEFAULT-VALUE}")
    double drainGraceS;

    @Option(names = "--backlog-bound-ms", defaultValue = "1000", description = "The queue's oldest unit may not get older than this. Default: ${DEFAULT-VALUE}")
    double backlogBoundMs;

    @Option(names = "--warm-up-s", defaultValue = "10", description = "Unmeasured seconds of writes at --warm-up-rate before each variant. Default: ${DEFAULT-VALUE}")
    double warmUpS;

    @Option(names = "--warm-up-rate", defaultValue = "40", description = "Writes per second of the warm-up. Default: ${DEFAULT-VALUE}")
    int warmUpRate;

    @Option(names = "--max-connections", defaultValue = "64", description = "Most API connections open at once (a write waits for one; "
            + "the wait counts in its latency). Default: ${DEFAULT-VALUE}")
    int maxConnections;

    @Option(names = "--statements", description = "Print the statements that took the most database time during each variant's rates (pg_stat_statements)")
    boolean statements;

    @Option(names = "--quick", description = "A short run for the performance gate: the small profile, default variant, 20 and 50 writes/s for 3 s, no search")
    boolean quick;

    @Option(names = "--seed", defaultValue = "42", description = "Workload seed. Default: ${DEFAULT-VALUE}")
    long seed;

    @Override
    public Integer call() throws Exception {
        Profile profile = quick ? Profile.SMALL : Profile.LARGE;
        List<Integer> offered = quick ? List.of(20, 50) : rates;
        List<String> runVariants = quick ? List.of("default") : variants;
        double seconds = quick ? 3 : durationS;
        double warm = quick ? 3 : warmUpS;
        int steps = quick ? 0 : searchSteps;
        for (String v : runVariants) {
            if (!List.of("default", "strict", "redis").contains(v)) throw new IllegalArgumentException("--variants: unknown variant '" + v + "' (default, strict, redis)");
        }
        if (offered.isEmpty() || offered.stream().anyMatch(r -> r < 1) || seconds <= 0 || contacts < 1) {
            throw new IllegalArgumentException("need --rates of at least 1, --duration-s above 0, --contacts of at least 1");
        }
        List<String> secrets = new ArrayList<>();
        for (int i = 0; i < contacts; i++) secrets.add(WebhookSecrets.generate());
        List<ObjectNode> rows = new ArrayList<>();
        List<ObjectNode> searched = new ArrayList<>();
        int maxSustained = 0;
        OpenLoop[] current = new OpenLoop[1];
        try (Receivers receivers = new Receivers(secrets, r -> {
            OpenLoop g = current[0];
            if (g != null) g.receipt(r);
        })) {
            for (String variant : runVariants) {
                Baselines.LocalRedis redis = variant.equals("redis") ? Baselines.startRedis() : null;
                try (Herald herald = Herald.open(db.load(settings(variant, redis)))) {
                    SeedSummary seeded = Workload.ensureLoaded(herald.db(), herald.settings().seed(), profile, seed, System.err::println);
                    UUID org = seeded.organizationId();
                    herald.graph().preload(org);
                    List<ContactTarget> targets = new ArrayList<>();
                    for (int i = 0; i < contacts; i++) {
                        targets.add(new ContactTarget(UUID.randomUUID(), org, Channel.WEBHOOK, receivers.urls().get(i), secrets.get(i), null));
                    }
                    BurstFixture.replaceContacts(herald.db(), org, targets);
                    List<UUID> ids = new ArrayList<>();
                    List<Integer> sev = new ArrayList<>();
                    readIncidents(herald, org, ids, sev);
                    String key = herald.keys().create(org, "bench latency").secret();
                    try (HttpServer http = herald.serveHttp()) {
                        herald.pipeline().startConsumers();
                        OpenLoop gen = new OpenLoop("127.0.0.1", http.port(), key, ids, sev.stream().mapToInt(Integer::intValue).toArray(),
                                maxConnections);
                        current[0] = gen;
                        try {
                            System.err.printf(Locale.ROOT, "latency [%s]: %,d incidents, %d contacts; warming up %.0f s at %d/s%n", variant, ids.size(), contacts, warm, warmUpRate);
                            gen.run(warmUpRate, warm, contacts);
                            awaitIdle(herald, org, 30);
                            if (statements) Statements.reset(herald);
                            int best = 0;
                            Integer lowestFailed = null;
                            for (int rate : offered) {
                                ObjectNode row = measure(herald, org, gen, rate, seconds, variant);
                                rows.add(row);
                                if (row.get("sustained").asBoolean()) best = Math.max(best, rate);
                                else if (lowestFailed == null || rate < lowestFailed) lowestFailed = rate;
                            }
                            if (statements) Statements.print(herald, variant);
                            if (variant.equals("default")) {
                                int lo = best, hi = lowestFailed == null ? Math.max(best, 1) * 2 : lowestFailed;
                                ObjectNode bestRow = null;
                                for (int s = 0; s < steps && hi - lo > Math.max(10, lo / 20); s++) {
                                    int mid = (lo + hi) / 2;
                                    ObjectNode row = measure(herald, org, gen, mid, seconds, variant);
                                    searched.add(row);
                                    if (row.get("sustained").asBoolean()) {
                                        lo = mid;
                                        bestRow = row;
                                    } else {
                                        hi = mid;
                                    }
                                }
                                maxSustained = lo;
                                int bestFixed = best;
                                if (bestRow == null && lo > 0) bestRow = rows.stream().filter(r -> r.get("variant").asText().equals("default")
                                        && r.get("rate").asInt() == bestFixed).findFirst().orElse(null);
                                if (bestRow != null) {
                                    ObjectNode copy = bestRow.deepCopy();
                                    copy.put("highest_sustained", true);
                                    rows.add(copy);
                                }
                            }
                        } finally {
                            current[0] = null;
                            gen.close();
                            herald.pipeline().close();
                        }
                    }
                } finally {
                    if (redis != null) redis.close();
                }
            }
        }
        LatencyReport.write(profile, contacts, seconds, SUSTAINED_RULE + String.format(Locale.ROOT,
                " (drain grace %.1f s, backlog bound %.0f ms)", drainGraceS, backlogBoundMs), rows, searched, maxSustained);
        return 0;
    }

    private Map<String, String> settings(String variant, Baselines.LocalRedis redis) {
        Map<String, String> s = new LinkedHashMap<>(BurstBench.sharedSettings());
        s.put(Settings.HTTP_PORT.key(), "0");
        s.put(Settings.HTTP_LOG_REQUESTS.key(), "false");
        if (consumers != null) s.put(Settings.WORK_CONSUMERS.key(), Integer.toString(consumers));
        if (variant.equals("strict")) s.put(Settings.CURRENT_CONSISTENCY.key(), "strict");
        if (redis != null) s.put(Settings.REDIS_URL.key(), redis.url());
        return s;
    }

    private static void readIncidents(Herald herald, UUID org, List<UUID> ids, List<Integer> sev) {
        herald.db().read("LatencyBench.INCIDENTS", c -> {
            try (PreparedStatement ps = c.prepareStatement(INCIDENTS)) {
                ps.setObject(1, org);
                ps.setInt(2, 100_000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getObject(1, UUID.class));
                        sev.add(rs.getInt(2));
                    }
                }
            }
            return null;
        });
        if (ids.isEmpty()) throw new IllegalStateException("the organization has no open incident to write to");
    }

    /** One rate: offers it, waits for the deliveries (at most the drain grace), samples the queue's oldest age meanwhile. */
    private ObjectNode measure(Herald herald, UUID org, OpenLoop gen, int rate, double seconds, String variant) throws InterruptedException {
        double[] oldestMax = {0};
        boolean[] stop = {false};
        Thread sampler = Thread.ofPlatform().daemon().name("latency-oldest").start(() -> {
            while (!stop[0]) {
                try {
                    oldestMax[0] = Math.max(oldestMax[0], oldest(herald, org) * 1000);
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // a sample missed; the next one counts
                }
            }
        });
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long jvm0 = os.getProcessCpuTime();
        LoadSample m0 = LoadSample.now();
        long t0 = System.nanoTime();
        Phase p = gen.run(rate, seconds, contacts);
        long scheduleEnd = t0 + Math.round(seconds * 1e9) + 20_000_000L;
        long graceEnd = scheduleEnd + Math.round(drainGraceS * 1e9);
        while (p.delivered.get() < p.writesOk.get() * contacts && System.nanoTime() < graceEnd) Thread.sleep(5);
        boolean drained = p.delivered.get() >= p.writesOk.get() * contacts;
        // (late deliveries keep arriving; give them a little longer so e2e max and missing counts describe the backlog)
        long lateEnd = System.nanoTime() + 5_000_000_000L;
        while (!drained && p.delivered.get() < p.writesOk.get() * contacts && System.nanoTime() < lateEnd) Thread.sleep(20);
        stop[0] = true;
        sampler.join(2000);
        LoadSample m1 = LoadSample.now();
        long jvm1 = os.getProcessCpuTime();
        Histogram w = p.write(), e = p.e2e();
        long writes = p.writesOk.get();
        boolean sustained = !p.stoppedEarly && p.failures.get() == 0 && drained && oldestMax[0] <= backlogBoundMs;
        ObjectNode row = dev.herald.json.Json.mapper().createObjectNode();
        row.put("rate", rate);
        row.put("variant", variant);
        row.put("sustained", sustained);
        row.put("writes", writes);
        row.put("write_failures", p.failures.get());
        row.put("stopped_early", p.stoppedEarly);
        row.put("write_p50_ms", BenchReport.pctMs(w, 50));
        row.put("write_p99_ms", BenchReport.pctMs(w, 99));
        row.put("deliveries", p.delivered.get());
        row.put("deliveries_missing", writes * contacts - p.delivered.get());
        row.put("e2e_p50_ms", BenchReport.pctMs(e, 50));
        row.put("e2e_p95_ms", BenchReport.pctMs(e, 95));
        row.put("e2e_p99_ms", BenchReport.pctMs(e, 99));
        row.put("e2e_max_ms", e.getMaxValue() / 1000.0);
        row.put("queue_oldest_age_max_ms", Math.round(oldestMax[0] * 10) / 10.0);
        row.put("duplicates", p.duplicates.get());
        row.put("invalid_signatures", p.invalid.get());
        long busy = (m1.totalJiffies() - m1.idleJiffies()) - (m0.totalJiffies() - m0.idleJiffies());
        row.put("machine_cpu_ms_per_write", writes == 0 ? 0 : Math.round(busy * 10.0 / writes * 1000) / 1000.0);
        row.put("bench_jvm_cpu_ms_per_write", writes == 0 ? 0 : Math.round((jvm1 - jvm0) / 1e6 / writes * 1000) / 1000.0);
        System.err.printf(Locale.ROOT, "latency [%s] %d/s: %s, writes %,d (failed %d) p50 %.2f p99 %.2f ms; e2e p50 %.2f p95 %.2f p99 %.2f max %.2f ms; "
                        + "oldest %.0f ms; missing %d; load %.2f%n", variant, rate, sustained ? "sustained" : "NOT sustained", writes, p.failures.get(),
                BenchReport.pctMs(w, 50), BenchReport.pctMs(w, 99), BenchReport.pctMs(e, 50), BenchReport.pctMs(e, 95), BenchReport.pctMs(e, 99),
                e.getMaxValue() / 1000.0, oldestMax[0], writes * contacts - p.delivered.get(), m1.load1());
        row.put("load1_end", m1.load1());
        awaitIdle(herald, org, 30); // the next rate starts on an idle queue, not on this one's backlog
        return row;
    }

    /**
     * Applies the impact changes the writes recorded (a severity change tells every subject its incident reaches, so a
     * high rate leaves minutes of impact work that would otherwise run during the next rate's measurement), then waits
     * (at most {@code seconds}) until the organization has no queued or running unit, so a rate starts on an idle system.
     */
    private static void awaitIdle(Herald herald, UUID org, int seconds) throws InterruptedException {
        long t0 = System.nanoTime();
        int applied = herald.impact().applyPending();
        if (applied > 0) {
            System.err.printf(Locale.ROOT, "latency: applied %,d recorded impact changes before the next rate (%.1f s)%n",
                    applied, (System.nanoTime() - t0) / 1e9);
        }
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (oldest(herald, org) > 0 && System.nanoTime() < end) Thread.sleep(100);
        Thread.sleep(500);
    }

    private static double oldest(Herald herald, UUID org) {
        return herald.db().read("LatencyBench.OLDEST", c -> {
            try (PreparedStatement ps = c.prepareStatement(OLDEST)) {
                ps.setObject(1, org);
                ps.setObject(2, org);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getDouble(1);
                }
            }
        });
    }
}
