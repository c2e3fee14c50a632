package dev.herald.bench.burst;

import dev.herald.Herald;
import dev.herald.bench.Statements;
import dev.herald.bench.queue.BenchDataSources;
import dev.herald.bench.ratelimit.Baselines;
import dev.herald.cache.CacheKinds;
import dev.herald.cli.DbOptions;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import dev.herald.limits.RateLimit;
import dev.herald.senders.WebhookSender;
import dev.herald.workload.Profile;
import dev.herald.workload.SeedSummary;
import dev.herald.workload.Workload;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./herald bench burst}: the reference's SLA breach replayed. The large profile, 7,617 notifications queued at
 * once for its organization (2,539 changed incidents x 3 webhook contacts on local verifying receivers), drained by 75
 * consumers (over {@code --processes} worker processes), then a sample of the same messages through the old design on
 * the same database, Redis and receivers. Writes {@code bench-results/burst.json}.
 */
@Command(name = "burst", mixinStandardHelpOptions = true,
        description = "Replay the 7,617-message burst through Herald and (a sample) through the old design, side by side.")
public final class BurstBench implements Callable<Integer> {
    @Mixin DbOptions db;

    @Option(names = "--processes", defaultValue = "1", description = "Worker processes sharing the consumers (1 = in this process). Default: ${DEFAULT-VALUE}")
    int processes;

    @Option(names = "--consumers", defaultValue = "75", description = "Consumers in all (split over --processes). Default: ${DEFAULT-VALUE}")
    int consumers;

    @Option(names = "--messages", defaultValue = "7617", description = "Messages in the burst (incidents x contacts). Default: ${DEFAULT-VALUE}")
    int messages;

    @Option(names = "--contacts", defaultValue = "3", description = "Webhook contacts, one receiver each. Default: ${DEFAULT-VALUE}")
    int contacts;

    @Option(names = "--baseline-sample", defaultValue = "300", description = "Messages the old design drains (0 = skip it). Default: ${DEFAULT-VALUE}")
    int baselineSample;

    @Option(names = "--baseline-timeout-s", defaultValue = "240", description = "The old design takes no new message after this. Default: ${DEFAULT-VALUE}")
    long baselineTimeoutS;

    @Option(names = "--quick", description = "A short run for the performance gate: the small profile, 150 messages (after 30 to warm up), 60 for the old design")
    boolean quick;

    @Option(names = "--seed", defaultValue = "42", description = "Workload seed. Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--warm-up-messages", defaultValue = "45000", description = "Unmeasured messages before the measured burst, "
            + "so that the JIT has compiled the per-message code as in a running service (after 15,000 the compilers still took "
            + "0.3 ms of CPU per measured message, a sixth of the machine's; after 45,000, 0.1; at least one round of the warm-up "
            + "incidents; 450 with --quick). Default: ${DEFAULT-VALUE}")
    int warmUpMessages;

    @Option(names = "--receivers-in-process", description = "Run the verifying receivers in this JVM (as before) instead of their own "
            + "process; then this JVM's CPU is Herald's and the receivers' together")
    boolean receiversInProcess;

    @Option(names = "--statements", description = "Print the statements that took the most database time during the measured burst (pg_stat_statements)")
    boolean statements;

    @Option(names = "--timeout-s", defaultValue = "300", description = "Give up on Herald's drain after this. Default: ${DEFAULT-VALUE}")
    long timeoutS;

    @Override
    public Integer call() throws Exception {
        Profile profile = quick ? Profile.SMALL : Profile.LARGE;
        int total = quick ? Math.min(messages, 150) : messages;
        int sample = quick ? Math.min(baselineSample, 60) : baselineSample;
        if (processes < 1 || consumers < processes || contacts < 1 || total < contacts || warmUpMessages < 0) {
            throw new IllegalArgumentException("need --processes >= 1, --consumers >= --processes, --messages >= --contacts >= 1, "
                    + "--warm-up-messages >= 0");
        }
        Baselines.LocalRedis localRedis = db.load().get(Settings.REDIS_URL).isPresent() ? null : Baselines.startRedis();
        redisParent = localRedis != null ? ProcessHandle.current().pid() : -1;
        try {
            Map<String, String> flags = new LinkedHashMap<>();
            if (localRedis != null) flags.put(Settings.REDIS_URL.key(), localRedis.url());
            flags.put(Settings.WORK_CONSUMERS.key(), Integer.toString(consumers));
            flags.putAll(sharedSettings());
            try (Herald herald = Herald.open(db.load(flags))) {
                return run(herald, profile, total, sample);
            }
        } finally {
            if (localRedis != null) localRedis.close();
        }
    }

    /** Settings both this process and the worker children run with: loopback receivers, limits that never deny. */
    public static Map<String, String> sharedSettings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(Settings.DELIVERY_ALLOW_PRIVATE_TARGETS.key(), "true");
        // The burst measures what a throttle CHECK costs, not a deliberate rate: limits high enough to admit everything.
        s.put(Settings.LIMITS_RATE.key(), "1000000");
        s.put(Settings.LIMITS_BURST.key(), "1000000");
        return s;
    }

    /** The parent of the Redis server whose CPU is counted: this JVM when it started one, else -1 (any). */
    private long redisParent = -1;

    /** CPU the receivers' own process has used so far (zero when they run in this JVM). */
    private static java.time.Duration receiverCpu(BurstFixture f) {
        if (f.receiverPid() < 0) return java.time.Duration.ZERO;
        return ProcessHandle.of(f.receiverPid()).flatMap(p -> p.info().totalCpuDuration()).orElse(java.time.Duration.ZERO);
    }

    private static double round3(double v) {
        return Double.isNaN(v) ? -1 : Math.round(v * 1000) / 1000.0;
    }

    private int run(Herald herald, Profile profile, int total, int sample) throws Exception {
        HeraldConfig config = herald.config();
        String redisUrl = config.get(Settings.REDIS_URL).orElseThrow();
        SeedSummary seedSummary = Workload.ensureLoaded(herald.db(), herald.settings().seed(), profile, seed, line -> System.err.println(line));
        UUID org = seedSummary.organizationId();
        herald.graph().preload(org); // a running service has its graph snapshot loaded (worker children load theirs in the warm-up)
        int incidents = total / contacts;
        int warmUpIncidents = quick ? 10 : 400;
        try (BurstFixture f = new BurstFixture(herald.db(), org, contacts, incidents, warmUpIncidents, !receiversInProcess);
             var oldPool = BenchDataSources.pool(herald, "old-design", consumers + 2)) {
            if (sample > 0) OldRecursiveQuery.createOldTable(oldPool, org);
            System.err.printf("burst: %,d messages (%,d incidents x %d contacts), %d consumers in %d process(es)%n",
                    f.messages(), incidents, contacts, consumers, processes);
            HeraldBurst.Result h;
            long warmAcceptedTotal;
            Double assemblies = null;
            com.fasterxml.jackson.databind.node.ObjectNode cpuJson = dev.herald.json.Json.mapper().createObjectNode();
            WorkerProcesses workers = null;
            try {
                if (processes == 1) {
                    herald.pipeline().startConsumers();
                } else {
                    List<String> sets = sharedSettings().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
                    workers = WorkerProcesses.start(processes, consumers / processes, herald.db().shareableUrl(), redisUrl, sets,
                            Duration.ofSeconds(120));
                }
                // Unmeasured warm-up bursts on other incidents: a running service has its caches, snapshots, connections and
                // JIT warm (with one small warm-up the JIT compilers took a large share of the CPU during the measured burst; bench-results/NOTES.md).
                int rounds = (int) Math.max(1, Math.ceil((quick ? 450.0 : warmUpMessages) / (f.warmUp.size() * contacts)));
                long warm = 0;
                for (int round = 0; round < rounds; round++) {
                    long warmBase = HeraldBurst.enqueue(herald, f, f.warmUp);
                    warm += (long) f.warmUp.size() * contacts;
                    if (!HeraldBurst.awaitDrained(herald, f, warmBase, warm, Duration.ofSeconds(timeoutS))) {
                        throw new IllegalStateException("the warm-up burst did not drain in " + timeoutS + " s");
                    }
                }
                warmAcceptedTotal = warm;
                System.err.printf("warm-up: %,d messages in %d rounds%n", warm, rounds);
                Thread.sleep(1000); // consumers idle and listening: the burst lands on a waiting pool
                // Every assembly of every process, read-ahead included, is counted in Redis by the single-flight that publishes it.
                long buildsBefore = herald.singleFlight().builds(CacheKinds.CONTEXT);
                // this run's PostgreSQL and Redis only: other sessions on a shared machine run their own
                long backend = herald.db().read("BurstBench.BACKEND_PID", c -> {
                    try (var st = c.createStatement(); var rs = st.executeQuery("SELECT pg_backend_pid()")) {
                        rs.next();
                        return rs.getLong(1);
                    }
                });
                CpuMeter cpu = new CpuMeter(CpuMeter.parentOf(backend), redisParent);
                java.time.Duration receiversCpu0 = receiverCpu(f);
                if (statements) Statements.reset(herald);
                long base = HeraldBurst.enqueue(herald, f);
                double committed = Instant.now().toEpochMilli() / 1000.0;
                if (!HeraldBurst.awaitDrained(herald, f, base, warm + f.messages(), Duration.ofSeconds(timeoutS))) {
                    System.err.printf("herald: not drained after %d s (%,d of %,d delivered)%n", timeoutS, f.distinctAccepted(), f.messages());
                }
                CpuMeter.Spent spent = cpu.stop();
                if (statements) Statements.print(herald, "measured burst");
                java.time.Duration receiversCpu = receiverCpu(f).minus(receiversCpu0);
                int n = f.messages();
                cpuJson.put("machine", round3(spent.machineMs() / n));
                cpuJson.put("herald_jvm", round3(spent.jvmMs() / n));
                cpuJson.put("herald_jit", round3(spent.jitMs() / n));
                cpuJson.put("postgres", round3(spent.postgresMs() / n));
                cpuJson.put("redis", round3(spent.redisMs() / n));
                if (f.receiverPid() < 0) cpuJson.putNull("receivers");
                else cpuJson.put("receivers", round3(receiversCpu.toNanos() / 1e6 / n));
                cpuJson.put("receivers_in", f.receiverPid() < 0 ? "the bench JVM (counted in herald_jvm)" : "their own JVM");
                System.err.printf("herald: CPU per message %.2f ms in this JVM (consumers and receivers; JIT %.2f), %.2f ms on the machine; "
                        + "average webhook body %,d bytes%n", spent.jvmMs() / f.messages(), spent.jitMs() / f.messages(),
                        spent.machineMs() / f.messages(), f.averageBodyBytes());
                System.err.printf("herald: CPU per message in PostgreSQL %.2f ms, in Redis %.2f ms%n", spent.postgresMs() / f.messages(),
                        spent.redisMs() / f.messages());
                h = HeraldBurst.measure(herald, f, base, committed);
                long built = herald.singleFlight().builds(CacheKinds.CONTEXT) - buildsBefore;
                assemblies = h.fingerprints() == 0 ? null : built / (double) h.fingerprints();
                System.err.printf("herald: %,d contexts assembled for %,d fingerprints (%,d when a unit was claimed, the rest read ahead)%n",
                        built, h.fingerprints(), h.builtAtClaim());
            } finally {
                if (workers != null) workers.close();
                if (processes == 1) herald.pipeline().close();
            }
            long warmAccepted = warmAcceptedTotal;
            long heraldDistinct = f.distinctAccepted() - warmAccepted;
            long heraldDuplicates = f.duplicates();
            long heraldInvalid = f.invalidSignatures();
            System.err.printf("herald: drained %,d in %.2f s%n", h.done(), h.drainSeconds());

            OldDesignDrain.Result old = null;
            if (sample > 0) {
                AtomicBoolean stopped = new AtomicBoolean();
                RateLimit limit = new RateLimit(1_000_000, Duration.ofSeconds(1), 1_000_000);
                RedisClient redis = RedisClient.create(redisUrl);
                try {
                    var drain = new OldDesignDrain(oldPool, redis,
                            r -> Baselines.lockBasedLimiter(r, "old:" + UUID.randomUUID() + ":", limit, stopped),
                            new WebhookSender(herald.settings().webhook(), herald.secretBox()), consumers);
                    System.err.printf("old design: draining a sample of %d messages with %d consumers%n", sample, consumers);
                    old = drain.run(f.sample(sample), UUID.randomUUID().toString(), Duration.ofSeconds(baselineTimeoutS));
                } finally {
                    stopped.set(true);
                    redis.shutdown();
                }
            }
            long oldDistinct = f.distinctAccepted() - warmAccepted - heraldDistinct;
            long oldDuplicates = f.duplicates() - heraldDuplicates;
            new BurstReport(profile, processes, consumers).write(h, f.messages(), heraldDistinct, heraldDuplicates, heraldInvalid,
                    assemblies, old, oldDistinct, oldDuplicates, f.invalidSignatures() - heraldInvalid, cpuJson);
            return 0;
        }
    }
}
