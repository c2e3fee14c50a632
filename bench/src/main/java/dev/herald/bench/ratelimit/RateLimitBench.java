package dev.herald.bench.ratelimit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.bench.BenchReport;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import dev.herald.limits.RateLimit;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./herald bench ratelimit}: Herald's Redis GCRA (one Lua script call per check) against Bucket4j's Lettuce
 * backend and a lock-based GCRA like the reference system's, side by side on one Redis in one run: throughput with
 * {@code --clients} clients flat out, open-loop latency at {@code --offered} checks/s, and correctness (no key admitted
 * more than rate + burst in any window of one period), each on one hot key and on {@code --keys} keys.
 */
@Command(name = "ratelimit", mixinStandardHelpOptions = true,
        description = "Rate limiters on Redis side by side: Herald's GCRA script, Bucket4j (Lettuce), a lock-based GCRA.")
public final class RateLimitBench implements Callable<Integer> {
    @Option(names = "--redis-url", paramLabel = "URL", description = "Redis to run against (default: start a local redis-server child on a free port)")
    String redisUrl;

    @Option(names = "--quick", description = "Short phases (1 s) for CI")
    boolean quick;

    @Option(names = "--clients", description = "Concurrent clients (default ${DEFAULT-VALUE})")
    int clients = 75;

    @Option(names = "--duration", description = "Seconds per throughput and latency phase (default 5; 1 with --quick)")
    Integer seconds;

    @Option(names = "--offered", description = "Open-loop offered load, checks/s over all clients (default ${DEFAULT-VALUE})")
    int offered = 5000;

    @Option(names = "--keys", description = "Keys of the spread phases (default ${DEFAULT-VALUE})")
    int keys = 10_000;

    @Option(names = {"--rate"}, description = "Limit per key: checks per second (default: Herald's limits.rate default)")
    Integer rate;

    @Option(names = {"--burst"}, description = "Limit per key: burst (default: Herald's limits.burst default)")
    Integer burst;

    /** One limiter's figures. */
    record Figures(String name, double hotOps, double spreadOps, double hotP50, double hotP99, double spreadP50, double spreadP99,
                   long unfinished, int worstWindow, boolean correct, double redisCpuUsecPerCheck) {}

    @Override
    public Integer call() {
        if (clients < 1 || offered < 1 || keys < 1) {
            throw new IllegalArgumentException("--clients, --offered and --keys must be at least 1");
        }
        Duration phase = Duration.ofSeconds(seconds != null ? seconds : quick ? 1 : 5);
        if (phase.isZero() || phase.isNegative()) throw new IllegalArgumentException("--duration must be at least 1 second");
        // Herald's default per-contact limit unless told otherwise (RateLimit rejects zero or negative values).
        HeraldConfig defaults = HeraldConfig.defaults(Map.of());
        RateLimit limit = new RateLimit(rate != null ? rate : defaults.get(Settings.LIMITS_RATE), Duration.ofSeconds(1),
                burst != null ? burst : defaults.get(Settings.LIMITS_BURST));
        RedisServerProcess local = redisUrl == null ? RedisServerProcess.start() : null;
        String url = local != null ? local.url() : redisUrl;
        RedisClient client = RedisClient.create(RedisURI.create(url));
        try (local; StatefulRedisConnection<String, String> heraldConn = client.connect();
             StatefulRedisConnection<String, String> lockConn = client.connect();
             StatefulRedisConnection<String, byte[]> b4jConn = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE))) {
            String version = heraldConn.sync().info("server").lines().filter(l -> l.startsWith("redis_version:"))
                    .findFirst().orElse("redis_version:?").substring("redis_version:".length()).trim();
            System.out.printf(Locale.ROOT, "Redis %s at %s; limit %d/s burst %d per key; %d clients; phases of %ds; open loop %d checks/s; load %s%n",
                    version, url.replaceAll("//[^@/]*@", "//***@"), limit.rate(), limit.burst(), clients, phase.toSeconds(), offered, loadAverage());
            String run = "bench:" + UUID.randomUUID().toString().substring(0, 8) + ":";
            AtomicBoolean stop = new AtomicBoolean();
            List<Function<String, BenchLimiter>> limiters = List.of(
                    p -> new HeraldLimiter(heraldConn.sync(), run + "herald:" + p, limit, false),
                    p -> new Bucket4jLimiter(b4jConn, run + "b4j:" + p, limit),
                    p -> new LockBasedLimiter(lockConn.sync(), run + "lock:" + p, limit, stop),
                    p -> new HeraldLimiter(heraldConn.sync(), run + "raw:" + p, limit, true));
            List<Figures> figures = new ArrayList<>();
            // Warm every limiter (and the JIT on the shared paths) before measuring any of them.
            for (Function<String, BenchLimiter> make : limiters) {
                BenchLimiter warm = make.apply("warm:");
                System.out.println(warm.name() + ": warm-up");
                LoadPhases.throughput(warm, LoadPhases.Keys.SPREAD, keys, clients, Duration.ofMillis(quick ? 500 : 2000), stop);
                LoadPhases.throughput(make.apply("warmhot:"), LoadPhases.Keys.HOT, keys, clients, Duration.ofMillis(quick ? 500 : 2000), stop);
                LoadPhases.openLoop(make.apply("warmopen:"), LoadPhases.Keys.SPREAD, keys, clients, offered, Duration.ofMillis(500),
                        Duration.ofSeconds(1), stop);
            }
            for (Function<String, BenchLimiter> make : limiters) {
                figures.add(measure(make, limit, phase, stop, heraldConn.sync()));
            }
            report(figures, limit, phase, version);
            return 0;
        } finally {
            client.shutdown();
        }
    }

    /** Collects the garbage of the previous phase and lets the machine settle, so a phase does not pay for the one before. */
    private static void settle() {
        System.gc();
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Figures measure(Function<String, BenchLimiter> make, RateLimit limit, Duration phase, AtomicBoolean stop,
                            io.lettuce.core.api.sync.RedisCommands<String, String> stats) {
        RedisCommandStats before = RedisCommandStats.read(stats);
        long periodNanos = limit.period().toNanos();
        BenchLimiter warm = make.apply("name:");
        Duration grace = Duration.ofSeconds(Math.max(2, phase.toSeconds()));
        System.out.println(warm.name() + ": throughput, hot key");
        var hotT = LoadPhases.throughput(make.apply("ht:"), LoadPhases.Keys.HOT, keys, clients, phase, stop);
        System.out.println(warm.name() + ": throughput, " + keys + " keys");
        var spreadT = LoadPhases.throughput(make.apply("st:"), LoadPhases.Keys.SPREAD, keys, clients, phase, stop);
        settle(); // the flat-out phases leave garbage behind; latency phases start from the same clean heap for every limiter
        System.out.println(warm.name() + ": latency at " + offered + "/s, hot key");
        var hotL = LoadPhases.openLoop(make.apply("hl:"), LoadPhases.Keys.HOT, keys, clients, offered, phase, grace, stop);
        settle();
        System.out.println(warm.name() + ": latency at " + offered + "/s, " + keys + " keys");
        var spreadL = LoadPhases.openLoop(make.apply("sl:"), LoadPhases.Keys.SPREAD, keys, clients, offered, phase, grace, stop);
        RedisCommandStats used = RedisCommandStats.read(stats).minus(before);
        long checks = hotT.checks() + spreadT.checks() + hotL.checks() + spreadL.checks();
        int worst = Math.max(Math.max(Admissions.worstWindow(hotT.admissions(), periodNanos), Admissions.worstWindow(spreadT.admissions(), periodNanos)),
                Math.max(Admissions.worstWindow(hotL.admissions(), periodNanos), Admissions.worstWindow(spreadL.admissions(), periodNanos)));
        return new Figures(warm.name(), hotT.opsPerSecond(), spreadT.opsPerSecond(),
                BenchReport.pctMs(hotL.histogram(), 50), BenchReport.pctMs(hotL.histogram(), 99),
                BenchReport.pctMs(spreadL.histogram(), 50), BenchReport.pctMs(spreadL.histogram(), 99),
                hotL.unfinished() + spreadL.unfinished(), worst, worst <= limit.rate() + limit.burst(),
                used.usecPer(checks));
    }

    private void report(List<Figures> figures, RateLimit limit, Duration phase, String version) {
        BenchReport r = new BenchReport("ratelimit");
        r.header("limiter", "hot ops/s", "spread ops/s", "hot p50 ms", "hot p99 ms", "spread p50 ms", "spread p99 ms",
                "unfinished", "worst window", "correct", "redis cpu us/check");
        ObjectNode json = r.json();
        json.put("load_average_at_end", loadAverage());
        json.put("redis_version", version).put("clients", clients).put("phase_seconds", phase.toSeconds())
                .put("offered_checks_per_s", offered).put("spread_keys", keys).put("quick", quick);
        json.putObject("limit").put("rate", limit.rate()).put("period_ms", limit.period().toMillis()).put("burst", limit.burst())
                .put("max_per_window", limit.rate() + limit.burst());
        for (Figures f : figures) {
            r.row(f.name(), fmt(f.hotOps()), fmt(f.spreadOps()), BenchReport.ms(f.hotP50()), BenchReport.ms(f.hotP99()),
                    BenchReport.ms(f.spreadP50()), BenchReport.ms(f.spreadP99()), Long.toString(f.unfinished()),
                    f.worstWindow() + " / " + (limit.rate() + limit.burst()), Boolean.toString(f.correct()),
                    String.format(Locale.ROOT, "%.2f", f.redisCpuUsecPerCheck()));
            json.putObject(f.name()).put("hot_ops_per_s", round(f.hotOps())).put("spread_ops_per_s", round(f.spreadOps()))
                    .put("hot_p50_ms", round(f.hotP50())).put("hot_p99_ms", round(f.hotP99()))
                    .put("spread_p50_ms", round(f.spreadP50())).put("spread_p99_ms", round(f.spreadP99()))
                    .put("unfinished_checks", f.unfinished()).put("worst_window", f.worstWindow()).put("correct", f.correct())
                    .put("redis_cpu_usec_per_check", round(f.redisCpuUsecPerCheck()));
        }
        Figures h = figures.get(0), b = figures.get(1), l = figures.get(2);
        ObjectNode targets = json.putObject("targets");
        targets.put("herald_hot_p99_ms_le_2", h.hotP99() <= 2.0)
                .put("herald_hot_ops_ge_bucket4j", h.hotOps() >= b.hotOps())
                .put("herald_hot_ops_ge_20x_lock_based", h.hotOps() >= 20 * l.hotOps())
                .put("all_correct", figures.stream().allMatch(Figures::correct));
        r.finish();
        System.out.printf(Locale.ROOT, "herald vs bucket4j, hot key: %.1fx; herald vs lock-based, hot key: %.0fx; targets: %s%n",
                h.hotOps() / b.hotOps(), h.hotOps() / l.hotOps(), targets);
    }

    /** The 1-minute load average (the machine is shared; figures are comparable only within one run). */
    private static String loadAverage() {
        return String.format(Locale.ROOT, "%.2f", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
