package dev.herald.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.Herald;
import dev.herald.config.HeraldConfig;
import dev.herald.testing.TestPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A consumer process killed with SIGKILL mid-batch loses nothing: its leases expire, its work is reclaimed and delivered. */
@Tag("slow") // a worker JVM killed mid-batch, about 6 s
class ConsumerCrashTest {

    @Test
    void killedWorkerProcessLosesNothingAndDuplicatesKeepTheirWebhookId() throws Exception {
        String url = TestPostgres.newDatabaseUrl();
        Path dataDir = Files.createTempDirectory("herald-crash");
        Map<String, String> settings = new HashMap<>(Map.of("database.url", url, "data.dir", dataDir.toString(),
                "work.consumers", "4", "work.batch-size", "5", "work.lease", "2s", "work.heartbeat", "300ms",
                "work.reclaim-interval", "300ms", "work.poll-interval", "200ms", "http.log-requests", "false",
                "delivery.allow-private-targets", "true"));
        try (Receiver receiver = new Receiver(); Herald herald = Herald.open(HeraldConfig.defaults(settings))) {
            receiver.slowMillis = 150;
            UUID org = herald.organizations().create("Crash Org", null, false, null).id();
            Fixtures f = new Fixtures(herald.db(), org);
            for (int i = 0; i < 4; i++) f.contact(receiver.url("/slow"), "{}");
            f.incidents(25);
            assertThat(f.count("SELECT count(*) FROM work_units WHERE organization_id = ?", org)).isEqualTo(100);

            // The real `herald worker` command in its own JVM, on the same database.
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "dev.herald.cli.Main", "worker", "--consumers", "4",
                    "--database-url", url, "--data-dir", Files.createTempDirectory("herald-worker").toString(),
                    "--set", "work.batch-size=5", "--set", "work.lease=2s", "--set", "work.heartbeat=300ms",
                    "--set", "work.poll-interval=200ms", "--set", "delivery.allow-private-targets=true"));
            Process worker = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(worker.getInputStream()));
                Thread.ofVirtual().start(() -> out.lines().forEach(l -> { }));
                await("worker delivers").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20)).until(() -> {
                    assertThat(worker.isAlive()).as("worker is running").isTrue();
                    return receiver.accepted() >= 12;
                });
                // From now on the receiver holds each request for a minute, so the worker's next sends are certainly
                // in flight (claimed, sent, not acked) when it is killed, however fast or slow this machine is.
                receiver.slowMillis = 60_000;
                await("units in flight").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() ->
                        f.count("SELECT count(*) FROM work_units WHERE organization_id = ? AND state = 'running'", org) > 0
                                && receiver.requestsById.values().stream().mapToInt(java.util.concurrent.atomic.AtomicInteger::get).sum()
                                > receiver.accepted());
            } finally {
                worker.destroyForcibly(); // SIGKILL: no shutdown hook, no ack, leases left behind
                worker.waitFor(30, TimeUnit.SECONDS);
            }
            long leasedByDeadWorker = f.count("SELECT count(*) FROM work_units WHERE organization_id = ? AND state = 'running'", org);
            assertThat(leasedByDeadWorker).as("the kill landed mid-batch").isPositive();

            receiver.slowMillis = 150; // the reclaimed units are delivered normally
            herald.pipeline().startConsumers();
            await("the rest is delivered").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                    .until(() -> f.count("SELECT count(*) FROM work_units WHERE organization_id = ? AND state = 'done'", org) >= 100);
            assertThat(f.count("SELECT count(*) FROM deliveries WHERE organization_id = ? AND status = 'sent'", org)).isEqualTo(100);
            assertThat(receiver.requestsById).hasSize(100); // every work unit reached the receiver under one webhook-id
            assertThat(receiver.invalidSignatures.get()).isZero();
            int requests = receiver.requestsById.values().stream().mapToInt(java.util.concurrent.atomic.AtomicInteger::get).sum();
            assertThat(requests).isGreaterThanOrEqualTo(100);
            assertThat(f.count("SELECT count(*) FROM work_units WHERE organization_id = ? AND attempts > 1", org))
                    .as("reclaimed work was tried again").isPositive();
        }
    }
}
