package dev.herald.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.Herald;
import dev.herald.config.HeraldConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code ./herald serve} on the embedded database, stopped with SIGTERM while it drains a backlog and started again:
 * every unit reaches the receiver exactly once. The process that owns the embedded PostgreSQL must keep it running
 * until its consumers have acked what they sent; if the database stopped first, the sent but unacked units would be
 * sent again after the restart.
 */
@Tag("slow") // two serve JVMs on an embedded PostgreSQL, about 30 s
class GracefulShutdownTest {
    static final int CONTACTS = 4;
    static final int INCIDENTS = 30;

    @Test
    void sigtermMidDrainThenRestartDeliversEveryUnitOnce() throws Exception {
        Path dataDir = Files.createTempDirectory("herald-sigterm");
        try (Receiver receiver = new Receiver()) {
            receiver.slowMillis = 60;
            Process first = serve(dataDir);
            UUID org;
            try (Herald attached = Herald.open(config(dataDir))) { // attaches to the embedded server `first` owns
                org = attached.organizations().create("Shutdown Org", null, false, null).id();
                Fixtures f = new Fixtures(attached.db(), org);
                for (int i = 0; i < CONTACTS; i++) f.contact(receiver.url("/slow"), "{}");
                f.incidents(INCIDENTS);
            }
            await().atMost(Duration.ofSeconds(120)).until(() -> receiver.accepted() >= 20);
            first.destroy(); // SIGTERM, mid-drain
            assertThat(first.waitFor(90, TimeUnit.SECONDS)).as("serve stops after finishing its units").isTrue();
            assertThat(receiver.accepted()).as("stopped mid-drain").isLessThan(CONTACTS * INCIDENTS);

            Process second = serve(dataDir);
            try (Herald attached = Herald.open(config(dataDir))) {
                Fixtures f = new Fixtures(attached.db(), org);
                await().atMost(Duration.ofSeconds(120)).until(() -> f.count(
                        "SELECT count(*) FROM deliveries WHERE organization_id = ? AND status = 'sent'", org) == CONTACTS * INCIDENTS);
            } finally {
                second.destroy();
                second.waitFor(90, TimeUnit.SECONDS);
            }
            assertThat(receiver.requestsById).as("none lost").hasSize(CONTACTS * INCIDENTS);
            assertThat(receiver.requestsById.values()).as("none sent twice").allMatch(n -> n.get() == 1);
            assertThat(receiver.invalidSignatures.get()).isZero();
        }
    }

    private static HeraldConfig config(Path dataDir) {
        return HeraldConfig.defaults(Map.of("data.dir", dataDir.toString(), "delivery.allow-private-targets", "true",
                "work.consumers", "0", "http.log-requests", "false"));
    }

    /** The real {@code serve} command in its own JVM, owning the embedded PostgreSQL of {@code dataDir}. */
    private static Process serve(Path dataDir) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.herald.cli.Main", "serve", "--port", "0", "--consumers", "4",
                "--data-dir", dataDir.toString(), "--set", "delivery.allow-private-targets=true", "--set", "http.log-requests=false",
                "--set", "work.poll-interval=200ms"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
        AtomicInteger listening = new AtomicInteger();
        Thread.ofVirtual().start(() -> out.lines().forEach(l -> {
            if (l.contains("Herald listening on")) listening.incrementAndGet();
        }));
        await().atMost(Duration.ofSeconds(120)).until(() -> listening.get() > 0 || !p.isAlive());
        assertThat(p.isAlive()).as("serve started").isTrue();
        return p;
    }
}
