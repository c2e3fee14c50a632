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
 * Asymmetric signing ({@code v1a}, Ed25519) for a customer who cannot hold a shared secret: Herald keeps the private
 * key, answers the public key, signs every delivery with it; a rotation overlaps like a secret's. Signatures are checked
 * by node's own Ed25519 (OpenSSL), not only by the JDK that made them; without node the test is skipped unless
 * {@code HERALD_REQUIRE_NODE=1} (CI).
 */
@Tag("slow")
class AsymmetricSigningTest {
    static TestApp app;
    static String key;
    static UUID org;

    @BeforeAll
    static void start() {
        app = TestApp.start(Map.of("delivery.allow-private-targets", "true", "work.poll-interval", "100ms"));
        app.herald.pipeline().startConsumers();
        org = app.herald.organizations().create("Ed25519 " + UUID.randomUUID(), null, false, null).id();
        key = app.herald.keys().create(org, "t").secret();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static boolean nodePresent() {
        boolean present;
        try {
            present = new ProcessBuilder("node", "--version").start().waitFor(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            present = false;
        }
        if (!present && "1".equals(System.getenv("HERALD_REQUIRE_NODE"))) throw new AssertionError("node is not installed");
        return present;
    }

    /** Which of {@code keys} node's Ed25519 accepts the delivery {@code seen} with. */
    static JsonNode nodeVerify(FaultyReceiver.Seen seen, Map<String, String> keys) throws Exception {
        Path in = Files.createTempFile("v1a-", ".json");
        Files.writeString(in, Json.write(Map.of("id", seen.webhookId(), "timestamp", seen.timestamp(), "signature", seen.signature(),
                "body", seen.body(), "keys", keys)));
        Path script = Path.of(AsymmetricSigningTest.class.getResource("/ed25519/verify.cjs").toURI());
        Process p = new ProcessBuilder("node", script.toString(), in.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        Files.delete(in);
        return Json.mapper().readTree(out);
    }

    @Test
    void deliveriesAreSignedWithTheContactsEd25519KeyAndARotationOverlaps() throws Exception {
        boolean node = nodePresent();
        try (FaultyReceiver receiver = new FaultyReceiver(WebhookSecrets.generate())) {
            var created = app.post("/organizations/" + org + "/contacts", key, Map.of("channel", "webhook", "target", receiver.url(),
                    "signing", "ed25519"));
            assertThat(created.status()).as(created.raw()).isEqualTo(201);
            String id = created.body().get("id").asText();
            String publicKey = created.body().get("public_key").asText();
            assertThat(publicKey).startsWith("whpk_");
            assertThat(created.body().get("signing").asText()).isEqualTo("ed25519");
            assertThat(created.body().has("secret")).as("no shared secret, and never the private key").isFalse();
            assertThat(created.raw()).doesNotContain("whsk_");
            assertThat(app.get("/contacts/" + id, key).body().get("public_key").asText()).isEqualTo(publicKey);
            receiver.verifyWith(publicKey);

            ContactFixtures.incident(app, org);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !receiver.accepted.isEmpty());
            FaultyReceiver.Seen first = receiver.accepted.get(0);
            assertThat(first.signature()).startsWith("v1a,").doesNotContain(" ");
            assertThat(receiver.invalidSignatures.get()).isZero();
            if (node) assertThat(nodeVerify(first, Map.of("key", publicKey)).get("key").asBoolean()).isTrue();

            var rotated = app.post("/contacts/" + id + "/secret/rotate", key, Map.of());
            assertThat(rotated.status()).isEqualTo(200);
            String newKey = rotated.body().get("public_key").asText();
            assertThat(newKey).startsWith("whpk_").isNotEqualTo(publicKey);
            assertThat(rotated.raw()).doesNotContain("whsk_").doesNotContain("\"secret\"");
            var test = app.post("/contacts/" + id + "/test", key, Map.of());
            assertThat(test.body().get("outcome").asText()).isEqualTo("delivered");
            FaultyReceiver.Seen during = receiver.accepted.get(receiver.accepted.size() - 1);
            assertThat(during.signature().split(" ")).hasSize(2).allMatch(s -> s.startsWith("v1a,"));
            assertThat(receiver.invalidSignatures.get()).as("the old public key still verifies during the overlap").isZero();
            receiver.verifyWith(newKey);
            assertThat(new dev.herald.senders.WebhookVerifier(newKey).isValid(during.webhookId(), during.timestamp(), during.signature(), during.body())).isTrue();
            if (node) {
                JsonNode both = nodeVerify(during, Map.of("old", publicKey, "new", newKey));
                assertThat(both.get("old").asBoolean()).isTrue();
                assertThat(both.get("new").asBoolean()).isTrue();
            }
            // A signature made with another key, or a body changed in transit, does not verify.
            assertThat(new dev.herald.senders.WebhookVerifier(WebhookSecrets.generateSigning().publicKey())
                    .isValid(during.webhookId(), during.timestamp(), during.signature(), during.body())).isFalse();
            assertThat(new dev.herald.senders.WebhookVerifier(newKey)
                    .isValid(during.webhookId(), during.timestamp(), during.signature(), during.body() + " ")).isFalse();
        }
    }

    @Test
    void badSigningRequestsAreRefusedNamingTheField() {
        String path = "/organizations/" + org + "/contacts";
        var unknown = app.post(path, key, Map.of("channel", "webhook", "target", "http://127.0.0.1:9/h", "signing", "rsa"));
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.body().at("/error/message").asText()).startsWith("signing");
        var withSecret = app.post(path, key, Map.of("channel", "webhook", "target", "http://127.0.0.1:9/h", "signing", "ed25519",
                "secret", WebhookSecrets.generate()));
        assertThat(withSecret.status()).isEqualTo(422);
        assertThat(withSecret.body().at("/error/message").asText()).startsWith("secret");
        var email = app.post(path, key, Map.of("channel", "email", "target", "a@example.com", "signing", "ed25519"));
        assertThat(email.status()).isEqualTo(422);
        assertThat(email.body().at("/error/message").asText()).startsWith("signing");
        var hmac = app.post(path, key, Map.of("channel", "webhook", "target", "http://127.0.0.1:9/h"));
        assertThat(hmac.body().get("signing").asText()).isEqualTo("hmac-sha256");
        assertThat(hmac.body().has("public_key")).isFalse();
    }
}
