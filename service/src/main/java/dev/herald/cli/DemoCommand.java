package dev.herald.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.Herald;
import dev.herald.api.HttpServer;
import dev.herald.config.Durations;
import dev.herald.config.Settings;
import dev.herald.contacts.WebhookSecrets;
import dev.herald.json.Json;
import dev.herald.pipeline.Pipeline;
import dev.herald.pipeline.PipelineStats;
import dev.herald.workload.Profile;
import dev.herald.workload.SeedSummary;
import dev.herald.workload.Workload;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./herald demo}: Herald's main job on the embedded default, end to end, for a newcomer: the small workload, a
 * local webhook receiver that verifies signatures, a stream of incident changes, consumers delivering them, and at the
 * end what the receiver saw and how long each step took. Exits 0 when everything queued was delivered.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start Herald on the embedded database, load the small workload, stream incident changes and watch them delivered as signed webhooks.")
final class DemoCommand implements Callable<Integer> {
    @Mixin DbOptions db;

    @Option(names = "--port", defaultValue = "0", paramLabel = "N", description = "HTTP port (default: a free one)")
    int port;

    @Option(names = "--duration", defaultValue = "10s", paramLabel = "TIME", description = "How long to stream incident changes (default 10s)")
    String duration;

    @Option(names = "--rate", defaultValue = "25", paramLabel = "N", description = "Incident changes per second (default 25)")
    int rate;

    @Option(names = "--drain-timeout", defaultValue = "60s", paramLabel = "TIME", description = "How long to wait for the queue to drain (default 60s)")
    String drainTimeout;

    @Override
    public Integer call() throws Exception {
        Duration streamFor = parse("--duration", duration);
        Duration drainFor = parse("--drain-timeout", drainTimeout);
        if (rate < 1 || rate > 10_000) throw new CommandFailure("--rate must be between 1 and 10000, got " + rate);
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put(Settings.HTTP_PORT.key(), Integer.toString(port));
        flags.put(Settings.DELIVERY_ALLOW_PRIVATE_TARGETS.key(), "true"); // the demo's receiver is on loopback
        flags.put(Settings.HTTP_LOG_REQUESTS.key(), "false");
        flags.put(Settings.WORK_POLL_INTERVAL.key(), "200ms");
        flags.put(Settings.DELIVERY_RETRY_SCHEDULE.key(), "0s,200ms,400ms,800ms,2s,5s,10s,30s"); // the demo retries within seconds
        try (Herald herald = Herald.open(db.load(flags))) {
            System.out.println("Herald demo on " + (herald.db().embedded() ? "the embedded PostgreSQL in "
                    + herald.config().get(Settings.DATA_DIR) : "an external PostgreSQL"));
            SeedSummary s = Workload.ensureLoaded(herald.db(), herald.settings().seed(), Profile.SMALL, 42,
                    line -> System.out.println("  " + line));
            SeedCommand.print(s);
            UUID org = s.organizationId();
            String secret = WebhookSecrets.generate();
            // Two transient failures up front, so the run shows retries under one webhook-id.
            try (HttpServer http = herald.serveHttp(); DemoReceiver receiver = new DemoReceiver(secret, 2)) {
                System.out.println("API up on http://127.0.0.1:" + http.port() + "; webhook receiver on " + receiver.url());
                UUID contact = registerContact(herald, http, org, receiver.url(), secret, Map.of());
                System.out.println("Contact " + contact + " subscribed through POST /organizations/" + org + "/contacts");

                OffsetDateTime since = herald.db().read("Demo.NOW", c -> {
                    try (var rs = c.createStatement().executeQuery("SELECT now()")) {
                        rs.next();
                        return rs.getObject(1, OffsetDateTime.class);
                    }
                });
                Pipeline pipeline = herald.pipeline();
                pipeline.startConsumers();
                System.out.println(herald.config().get(Settings.WORK_CONSUMERS) + " consumers running; streaming " + rate
                        + " incident changes/s for " + Durations.format(streamFor) + "\n");

                PipelineStats stats = new PipelineStats(herald.db());
                DemoProgress progress = new DemoProgress(stats, org, since, receiver);
                DemoTraffic traffic = new DemoTraffic(herald.db(), org, 42);
                long start = System.nanoTime();
                long periodNanos = 1_000_000_000L / rate;
                long next = start;
                while (System.nanoTime() - start < streamFor.toNanos()) {
                    traffic.next();
                    next += periodNanos;
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                    progress.maybePrint(traffic.changes(), false);
                }
                long drainStart = System.nanoTime();
                PipelineStats.Counts counts = stats.counts(org, since);
                while (counts.pending() > 0 && System.nanoTime() - drainStart < drainFor.toNanos()) {
                    Thread.sleep(100);
                    progress.maybePrint(traffic.changes(), false);
                    counts = stats.counts(org, since);
                }
                progress.maybePrint(traffic.changes(), true);
                System.out.println();
                // Impact: a contact that hears about one tower only, through the graph.
                DemoImpact impact = new DemoImpact(herald.db(), org);
                DemoImpact.Scene scene = impact.prepare();
                UUID towerContact = registerContact(herald, http, org, receiver.url(), secret,
                        Map.of("types", java.util.List.of("impact.started", "impact.cleared"), "asset_ids", java.util.List.of(scene.tower().toString())));
                System.out.println("Contact " + towerContact + " hears impact.started / impact.cleared for tower " + scene.tower() + " only\n");
                boolean impactSeen = impact.play(scene, receiver, System.out, drainFor);
                if (!impactSeen) System.out.println("The impact notifications did not arrive in time.");
                int code = new DemoReport(receiver, stats.steps(org, since), stats.counts(org, since), traffic.changes(),
                        pipeline.contexts().assembliesByFingerprint().keySet().stream().filter(k -> k.startsWith(org.toString())).count())
                        .print(System.out);
                return impactSeen ? code : 1;
            }
        }
    }

    private static Duration parse(String option, String raw) {
        try {
            Duration d = Durations.parse(raw);
            if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(raw + " is not positive");
            return d;
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(option + ": " + e.getMessage());
        }
    }

    /** Registers the receiver as a webhook contact through the public API, as a customer would. */
    static UUID registerContact(Herald herald, HttpServer http, UUID org, String url, String secret, Map<String, Object> subscription) throws Exception {
        if (subscription.isEmpty()) {
            herald.db().write("Demo.RETIRE_OLD_CONTACTS", c -> {
                try (var ps = c.prepareStatement("UPDATE contacts SET disabled_at = now(), disabled_reason = 'replaced by a newer demo run' "
                        + "WHERE organization_id = ? AND disabled_at IS NULL")) {
                    ps.setObject(1, org);
                    return ps.executeUpdate();
                }
            });
        }
        String key = herald.keys().create(null, "demo " + OffsetDateTime.now()).secret();
        String body = Json.mapper().writeValueAsString(Map.of("channel", "webhook", "target", url, "secret", secret, "subscription", subscription));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + http.port() + "/organizations/" + org + "/contacts"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) throw new CommandFailure("could not create the demo contact: " + r.statusCode() + " " + r.body());
        JsonNode created = Json.mapper().readTree(r.body());
        JsonNode id = created.has("contact") ? created.get("contact").get("id") : created.get("id");
        return UUID.fromString(id.asText());
    }
}
