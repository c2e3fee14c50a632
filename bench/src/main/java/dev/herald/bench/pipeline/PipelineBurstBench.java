package dev.herald.bench.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.Herald;
import dev.herald.bench.BenchReport;
import dev.herald.cache.SingleFlight;
import dev.herald.cli.DbOptions;
import dev.herald.contacts.WebhookSecrets;
import dev.herald.infra.Metrics;
import dev.herald.limits.DeliveryGate;
import dev.herald.pipeline.Pipeline;
import dev.herald.pipeline.PipelineStats;
import dev.herald.testing.WebhookReceiver;
import dev.herald.workload.Profile;
import dev.herald.workload.SeedSummary;
import dev.herald.workload.Workload;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The burst of the reference analysis (7,617 queued notifications for one organization) through the real pipeline,
 * twice on the same data: with the context single-flight (each context assembled once per fingerprint, shared by every
 * contact's work unit) and with the baseline that assembles a context per message (what the earlier consumer did).
 * Latency is measured from the moment the burst was offered (its transaction's time, every work unit's created_at) to
 * the work unit's completion. Delivery gates are open: this measures the pipeline, not the rate limits.
 */
@Command(name = "pipeline-burst", mixinStandardHelpOptions = true,
        description = "The reference burst (7,617 work units) through the pipeline: shared context single-flight vs a context per message.")
public final class PipelineBurstBench implements Callable<Integer> {
    @Mixin DbOptions db;

    @Option(names = "--profile", defaultValue = "small", description = "Workload profile: small or large (default ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--units", defaultValue = "7617", description = "Work units in the burst (default ${DEFAULT-VALUE}, the reference queue peak)")
    int units;

    @Option(names = "--consumers", defaultValue = "32", description = "Consumers (default ${DEFAULT-VALUE})")
    int consumers;

    static final String LATENCY = """
            SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), percentile_cont(0.99) WITHIN GROUP (ORDER BY ms), max(ms)
            FROM (SELECT extract(epoch FROM finished_at - created_at) * 1000 AS ms FROM work_units
                  WHERE organization_id = ? AND created_at >= ? AND state = 'done'
                  UNION ALL
                  SELECT extract(epoch FROM finished_at - created_at) * 1000 FROM work_units_done
                  WHERE organization_id = ? AND created_at >= ? AND state = 'done') d""";

    @Override
    public Integer call() throws Exception {
        Profile p = Profile.valueOf(profile.toUpperCase(java.util.Locale.ROOT));
        Map<String, String> flags = Map.of("http.log-requests", "false", "delivery.allow-private-targets", "true",
                "work.consumers", Integer.toString(consumers), "db.pool-size", Integer.toString(Math.max(24, consumers + 16)),
                "work.poll-interval", "100ms");
        try (Herald herald = Herald.open(db.load(flags))) {
            SeedSummary s = Workload.ensureLoaded(herald.db(), herald.settings().seed(), p, 42, line -> System.err.println("  " + line));
            UUID org = s.organizationId();
            List<UUID> open = openIncidents(herald, org);
            int contacts = (int) Math.ceil(units / (double) open.size());
            int perContact = (int) Math.ceil(units / (double) contacts);
            List<UUID> burst = open.subList(0, Math.min(open.size(), perContact));
            String secret = WebhookSecrets.generate();
            BenchReport report = new BenchReport("pipeline-burst");
            report.header("mode", "work units", "drain s", "units/s", "p50 ms", "p99 ms", "max ms", "contexts built", "context p50 ms", "send p50 ms");
            try (WebhookReceiver receiver = WebhookReceiver.start(secret)) {
                replaceContacts(herald, org, receiver.url(), secret, contacts);
                System.err.printf("burst: %d incidents x %d contacts = %d work units, %d consumers%n", burst.size(), contacts,
                        burst.size() * contacts, consumers);
                SingleFlight perMessage = new SingleFlight() {
                    @Override public JsonNode getOrBuild(String kind, String key, Supplier<JsonNode> builder) { return builder.get(); }
                    @Override public boolean prepare(String kind, String key, Supplier<JsonNode> builder) { return false; } // nothing kept
                    @Override public long builds(String kind) { return 0; }
                    @Override public void invalidate(String kind, String key) { }
                };
                run(herald, org, burst, "context per message (baseline)", perMessage, report, receiver);
                run(herald, org, burst, "single-flight per fingerprint", herald.singleFlight(), report, receiver);
                report.json().put("profile", p.name()).put("consumers", consumers).put("contacts", contacts);
                report.finish();
            }
        }
        return 0;
    }

    private void run(Herald herald, UUID org, List<UUID> burst, String mode, SingleFlight singleFlight, BenchReport report,
                     WebhookReceiver receiver) throws InterruptedException {
        Pipeline.Parts parts = new Pipeline.Parts(herald.sender(), herald.renderer(), DeliveryGate.OPEN, herald.currentIncidents(),
                herald.graph(), singleFlight);
        long acceptedBefore = receiver.distinctAccepted();
        OffsetDateTime since = offer(herald, burst);
        PipelineStats stats = new PipelineStats(herald.db());
        long expected = stats.counts(org, since).total();
        long start = System.nanoTime();
        try (Pipeline pipeline = new Pipeline(herald.settings().pipeline(), herald.db(), new Metrics(), parts)) {
            pipeline.startConsumers();
            while (stats.counts(org, since).pending() > 0) Thread.sleep(50);
            double seconds = (System.nanoTime() - start) / 1e9;
            PipelineStats.Counts c = stats.counts(org, since);
            double[] lat = latency(herald, org, since);
            double contextP50 = step(stats.steps(org, since), "context");
            double sendP50 = step(stats.steps(org, since), "send");
            long built = pipeline.contexts().assembliesByFingerprint().values().stream().mapToLong(Long::longValue).sum();
            report.row(mode, Long.toString(c.delivered()) + "/" + expected, String.format("%.1f", seconds),
                    String.format("%.0f", c.delivered() / seconds), BenchReport.ms(lat[1]), BenchReport.ms(lat[2]),
                    BenchReport.ms(lat[3]), Long.toString(built), BenchReport.ms(contextP50), BenchReport.ms(sendP50));
            var j = report.json().putObject(mode.startsWith("single") ? "single_flight" : "per_message");
            j.put("work_units", expected).put("delivered", c.delivered()).put("dead", c.dead()).put("drain_seconds", seconds)
                    .put("latency_p50_ms", lat[1]).put("latency_p99_ms", lat[2]).put("latency_max_ms", lat[3])
                    .put("contexts_built", built).put("context_p50_ms", contextP50).put("send_p50_ms", sendP50)
                    .put("receiver_new_webhook_ids", receiver.distinctAccepted() - acceptedBefore).put("receiver_duplicates", receiver.duplicates());
        }
    }

    private static double step(List<PipelineStats.Step> steps, String name) {
        return steps.stream().filter(s -> s.step().equals(name)).mapToDouble(PipelineStats.Step::p50).findFirst().orElse(Double.NaN);
    }

    private static List<UUID> openIncidents(Herald herald, UUID org) {
        return herald.db().read("Bench.OPEN", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id FROM incidents WHERE organization_id = ? AND status = 'open' AND deleted_at IS NULL ORDER BY id")) {
                ps.setObject(1, org);
                List<UUID> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(rs.getObject(1, UUID.class));
                }
                return out;
            }
        });
    }

    /** Changes every incident of the burst in one transaction (the triggers queue its work units); answers its time. */
    private static OffsetDateTime offer(Herald herald, List<UUID> burst) {
        return herald.db().transaction("Bench.OFFER_BURST", java.time.Duration.ofMinutes(5), c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE incidents SET severity = 1 + severity % 5, version = version + 1, updated_at = now() WHERE id = ANY(?)")) {
                ps.setArray(1, c.createArrayOf("uuid", burst.toArray()));
                ps.executeUpdate();
            }
            try (ResultSet rs = c.createStatement().executeQuery("SELECT now()")) {
                rs.next();
                return rs.getObject(1, OffsetDateTime.class);
            }
        });
    }

    private static void replaceContacts(Herald herald, UUID org, String url, String secret, int n) {
        herald.db().write("Bench.CONTACTS", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE contacts SET disabled_at = now(), disabled_reason = 'bench rerun' "
                    + "WHERE organization_id = ? AND disabled_at IS NULL")) {
                ps.setObject(1, org);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO contacts (id, organization_id, channel, target, secret) "
                    + "VALUES (?, ?, 'webhook', ?, ?)")) {
                for (int i = 0; i < n; i++) {
                    ps.setObject(1, UUID.randomUUID());
                    ps.setObject(2, org);
                    ps.setString(3, url);
                    ps.setString(4, secret);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    private static double[] latency(Herald herald, UUID org, OffsetDateTime since) {
        return herald.db().read("Bench.LATENCY", c -> {
            try (PreparedStatement ps = c.prepareStatement(LATENCY)) {
                ps.setObject(1, org);
                ps.setObject(2, since);
                ps.setObject(3, org);
                ps.setObject(4, since);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new double[] {rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4)};
                }
            }
        });
    }
}
