package dev.herald.bench.outage;

import dev.herald.Herald;
import dev.herald.bench.burst.HeraldBurst;
import dev.herald.cli.DbOptions;
import dev.herald.config.Settings;
import dev.herald.workload.Profile;
import dev.herald.workload.SeedSummary;
import dev.herald.workload.Workload;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./herald bench outage}: the outage drill. The large profile's burst (846 incidents x 9 webhook contacts, 7,614
 * messages) delivered twice in one run, side by side: once with every receiver healthy (the baseline), once with a
 * third of the receivers down (connection refused) and one hanging (holding requests past the request timeout) for
 * {@code --outage-s}, then back. It reports the healthy contacts' end-to-end latency (from the burst's commit to the
 * receiver's first acceptance, HdrHistogram) with and without the faults, how long after the recovery every message of
 * the recovered receivers had arrived, and lost and duplicate deliveries at the verifying receivers. The retry schedule
 * and the circuit are compressed (settings below) so the drill runs in minutes. Rounds repeat {@code --rounds} times;
 * the report gives each ratio's median, min and max. Writes {@code bench-results/outage.json}.
 */
@Command(name = "outage", mixinStandardHelpOptions = true,
        description = "Deliver a burst with a third of the receivers down and one hanging, against the same burst with all healthy.")
public final class OutageBench implements Callable<Integer> {
    @Mixin DbOptions db;

    @Option(names = "--quick", description = "A short run for the performance gate: the small profile, 20 incidents x 9 contacts, one round, a 6 s outage")
    boolean quick;

    @Option(names = "--incidents", defaultValue = "846", description = "Incidents per burst (x 9 contacts). Default: ${DEFAULT-VALUE}")
    int incidents;

    @Option(names = "--rounds", defaultValue = "3", description = "Baseline + outage rounds. Default: ${DEFAULT-VALUE}")
    int rounds;

    @Option(names = "--outage-s", defaultValue = "20", description = "How long the faulty receivers stay down / hang. Default: ${DEFAULT-VALUE}")
    int outageS;

    @Option(names = "--consumers", defaultValue = "32", description = "Consumers. Default: ${DEFAULT-VALUE}")
    int consumers;

    @Option(names = "--timeout-s", defaultValue = "300", description = "Give up on a round after this. Default: ${DEFAULT-VALUE}")
    long timeoutS;

    @Option(names = "--seed", defaultValue = "42", description = "Workload seed. Default: ${DEFAULT-VALUE}")
    long seed;

    /** The compressed policy the drill runs with: what a day-long schedule does, in seconds. */
    static Map<String, String> settings(int consumers) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(Settings.DELIVERY_ALLOW_PRIVATE_TARGETS.key(), "true");
        s.put(Settings.LIMITS_RATE.key(), "1000000");
        s.put(Settings.LIMITS_BURST.key(), "1000000");
        s.put(Settings.WORK_CONSUMERS.key(), Integer.toString(consumers));
        s.put(Settings.DELIVERY_RETRY_SCHEDULE.key(), "0s,1s,2s,3s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s");
        s.put(Settings.DELIVERY_WEBHOOK_REQUEST_TIMEOUT.key(), "3s");
        s.put(Settings.DELIVERY_SLOW_SEND.key(), "250ms");
        s.put(Settings.DELIVERY_CONTACT_BUSY_DELAY.key(), "500ms");
        s.put(Settings.DELIVERY_CIRCUIT_OPEN.key(), "500ms");
        s.put(Settings.DELIVERY_CIRCUIT_OPEN_MAX.key(), "2s");
        return s;
    }

    @Override
    public Integer call() throws Exception {
        Profile profile = quick ? Profile.SMALL : Profile.LARGE;
        int perBurst = quick ? Math.min(incidents, 20) : incidents;
        int roundsToRun = quick ? 1 : rounds;
        int outage = quick ? Math.min(outageS, 6) : outageS;
        if (perBurst < 1 || roundsToRun < 1 || outage < 1 || consumers < 1) {
            throw new IllegalArgumentException("need --incidents, --rounds, --outage-s and --consumers of at least 1");
        }
        try (Herald herald = Herald.open(db.load(settings(consumers)))) {
            SeedSummary seeded = Workload.ensureLoaded(herald.db(), herald.settings().seed(), profile, seed, System.err::println);
            UUID org = seeded.organizationId();
            herald.graph().preload(org);
            try (OutageFixture f = new OutageFixture(herald.db(), org, perBurst)) {
                herald.pipeline().startConsumers();
                // Warm-up: one unmeasured burst with every receiver healthy.
                Round warm = f.deliver(herald, f.nextIncidents(perBurst), null, 0, Duration.ofSeconds(timeoutS));
                System.err.printf(Locale.ROOT, "warm-up: %,d messages, healthy p99 %.1f ms%n", warm.messages(), warm.healthyP99Ms());
                List<Round> healthy = new ArrayList<>();
                List<Round> faulty = new ArrayList<>();
                for (int r = 0; r < roundsToRun; r++) {
                    Thread.sleep(1000);
                    healthy.add(f.deliver(herald, f.nextIncidents(perBurst), null, 0, Duration.ofSeconds(timeoutS)));
                    Thread.sleep(1000);
                    faulty.add(f.deliver(herald, f.nextIncidents(perBurst), Duration.ofSeconds(outage), r, Duration.ofSeconds(timeoutS)));
                    System.err.printf(Locale.ROOT, "round %d: healthy p99 %.1f ms alone, %.1f ms beside the faults; recovered all within %.1f s%n",
                            r + 1, healthy.get(r).healthyP99Ms(), faulty.get(r).healthyP99Ms(), faulty.get(r).recoveredWithinS());
                }
                herald.pipeline().close();
                new OutageReport(profile, perBurst, outage, consumers, settings(consumers)).write(healthy, faulty, f);
            }
        }
        return 0;
    }

    /** One burst's outcome: messages, healthy contacts' end-to-end latency, and how long the recovery took. */
    record Round(int messages, long lost, double healthyP50Ms, double healthyP99Ms, double healthyMaxMs, double recoveredWithinS,
                 double drainS) {}

    static double seconds(Instant a, Instant b) {
        return Duration.between(a, b).toNanos() / 1e9;
    }
}
