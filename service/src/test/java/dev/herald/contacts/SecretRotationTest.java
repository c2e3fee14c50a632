package dev.herald.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import dev.herald.testing.FaultyReceiver;
import dev.herald.testing.TestApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Secret rotation without downtime, checked with the Standard Webhooks reference library (npm {@code standardwebhooks},
 * run by node): during the overlap a receiver holding either secret accepts every webhook; after it only the new one.
 * {@code .ci/run} installs the library into {@code .ci/node}; without node or the library the test is skipped, unless
 * {@code HERALD_REQUIRE_NODE=1} (CI), where that is a failure.
 */
@Tag("slow")
class SecretRotationTest {
    static TestApp app;
    static String key;
    static UUID org;

    @BeforeAll
    static void start() {
        app = TestApp.start(Map.of("delivery.allow-private-targets", "true", "work.poll-interval", "100ms"));
        app.herald.pipeline().startConsumers();
        org = app.herald.organizations().create("Rotation " + UUID.randomUUID(), null, false, null).id();
        key = app.herald.keys().create(org, "t").secret();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static Path nodeModules() {
        Path p = Path.of(System.getProperty("herald.node-modules", "../.ci/node/node_modules"));
        boolean present = Files.isDirectory(p.resolve("standardwebhooks"));
        if (!present && "1".equals(System.getenv("HERALD_REQUIRE_NODE"))) {
            throw new AssertionError("the npm package standardwebhooks is not installed in " + p.toAbsolutePath()
                    + " (npm install --prefix .ci/node standardwebhooks)");
        }
        Assumptions.assumeTrue(present, "npm standardwebhooks not installed in " + p.toAbsolutePath() + "; .ci/run installs it");
        return p;
    }

    /** Which of {@code secrets} the reference library accepts the delivery {@code seen} with. */
    static JsonNode verify(Path modules, FaultyReceiver.Seen seen, Map<String, String> secrets) throws Exception {
        Path in = Files.createTempFile("webhook-", ".json");
        Files.writeString(in, Json.write(Map.of("id", seen.webhookId(), "timestamp", seen.timestamp(), "signature", seen.signature(),
                "body", seen.body(), "secrets", secrets)));
        Path script = Path.of(SecretRotationTest.class.getResource("/standardwebhooks/verify.cjs").toURI());
        ProcessBuilder pb = new ProcessBuilder("node", script.toString(), in.toString());
        pb.environment().put("NODE_PATH", modules.toAbsolutePath().toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        Files.delete(in);
        return Json.mapper().readTree(out);
    }

    @Test
    void duringTheOverlapEitherSecretVerifiesAndAfterItOnlyTheNewOne() throws Exception {
        Path modules = nodeModules();
        String oldSecret = WebhookSecrets.generate();
        try (FaultyReceiver receiver = new FaultyReceiver(oldSecret)) {
            var created = app.post("/organizations/" + org + "/contacts", key, Map.of("channel", "webhook", "target", receiver.url(),
                    "secret", oldSecret));
            String id = created.body().get("id").asText();
            var rotated = app.post("/contacts/" + id + "/secret/rotate", key, Map.of());
            assertThat(rotated.status()).as(rotated.raw()).isEqualTo(200);
            String newSecret = rotated.body().get("secret").asText();
            assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);
            assertThat(rotated.body().get("previous_secret_valid_until").asText()).isNotBlank();
            assertThat(app.get("/contacts/" + id, key).raw()).doesNotContain(newSecret).doesNotContain(oldSecret);

            var test = app.post("/contacts/" + id + "/test", key, Map.of());
            assertThat(test.body().get("outcome").asText()).isEqualTo("delivered");
            FaultyReceiver.Seen during = receiver.accepted.get(receiver.accepted.size() - 1);
            assertThat(during.signature().split(" ")).hasSize(2);
            JsonNode both = verify(modules, during, Map.of("old", oldSecret, "new", newSecret));
            assertThat(both.get("old").asBoolean()).isTrue();
            assertThat(both.get("new").asBoolean()).isTrue();

            // The overlap ends: only the new secret signs.
            app.herald.db().write("Test.EXPIRE", c -> {
                try (var ps = c.prepareStatement("UPDATE contacts SET previous_secret_until = now() - interval '1 second' WHERE id = ?")) {
                    ps.setObject(1, UUID.fromString(id));
                    return ps.executeUpdate();
                }
            });
            ContactFixtures.incident(app, org);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> receiver.accepted.stream().anyMatch(s -> s.type().startsWith("incident")));
            FaultyReceiver.Seen after = receiver.accepted.stream().filter(s -> s.type().startsWith("incident")).findFirst().orElseThrow();
            assertThat(after.signature().split(" ")).hasSize(1);
            JsonNode onlyNew = verify(modules, after, Map.of("old", oldSecret, "new", newSecret));
            assertThat(onlyNew.get("old").asBoolean()).isFalse();
            assertThat(onlyNew.get("new").asBoolean()).isTrue();
        }
    }

    @Test
    void anEmailContactHasNoSecretToRotate() {
        var created = app.post("/organizations/" + org + "/contacts", key, Map.of("channel", "email", "target", "ops@example.com"));
        var r = app.post("/contacts/" + created.body().get("id").asText() + "/secret/rotate", key, Map.of());
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.body().at("/error/message").asText()).contains("webhook contacts only");
    }
}
