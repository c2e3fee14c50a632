package dev.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.cli.Main;
import dev.herald.testing.TestApp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keys that can be revoked, expire and do only what their scope allows, against two processes on one database (each
 * with its own cache of verified keys, kept 1 h here so only the change feed can explain a revocation seen at once).
 */
@org.junit.jupiter.api.Tag("slow") // two processes, and a key left to expire
class ApiKeyLifecycleTest {
    static TestApp one;
    static TestApp two;

    @BeforeAll
    static void start() {
        one = TestApp.start(Map.of("cache.ttl.api-keys", "1h"));
        two = new TestApp(one.herald.config());
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> one.herald.keys().listening() && two.herald.keys().listening());
    }

    @AfterAll
    static void stop() {
        two.close();
        one.close();
    }

    String newKey(String key, Map<String, Object> body) {
        return created(key, body).get("api_key").asText();
    }

    com.fasterxml.jackson.databind.JsonNode created(String key, Map<String, Object> body) {
        var r = one.post("/api-keys", key, body);
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return r.body();
    }

    @Test
    void aRevokedKeyStopsWorkingInEveryProcessAtOnce() {
        var made = created(one.orgKey, Map.of("label", "ci"));
        String key = made.get("api_key").asText();
        String id = made.get("id").asText();
        assertThat(one.get("/organizations/" + one.orgId, key).status()).isEqualTo(200);
        assertThat(two.get("/organizations/" + one.orgId, key).status()).as("cached in the second process too").isEqualTo(200);

        var revoked = one.call("DELETE", "/api-keys/" + id, one.orgKey, null);
        assertThat(revoked.status()).as(revoked.raw()).isEqualTo(200);
        assertThat(one.get("/organizations/" + one.orgId, key).status()).isEqualTo(401);
        Awaitility.await("the other process hears the revocation").atMost(Duration.ofSeconds(5))
                .until(() -> two.get("/organizations/" + one.orgId, key).status() == 401);
        assertThat(one.call("DELETE", "/api-keys/" + id, one.orgKey, null).status()).as("already revoked").isEqualTo(404);
    }

    @Test
    void anotherOrganizationsKeyCannotBeListedOrRevoked() {
        String mine = newKey(one.orgKey, Map.of("label", "mine"));
        UUID other = one.herald.organizations().create("Other " + UUID.randomUUID(), null, false, null).id();
        String otherKey = one.herald.keys().create(other, "other").secret();
        String victim = one.herald.keys().list(one.orgId, 100).get(0).id().toString();
        var foreign = one.call("DELETE", "/api-keys/" + victim, otherKey, null);
        var missing = one.call("DELETE", "/api-keys/" + UUID.randomUUID(), otherKey, null);
        assertThat(foreign.status()).isEqualTo(404).isEqualTo(missing.status());
        assertThat(foreign.body().at("/error/code").asText()).isEqualTo(missing.body().at("/error/code").asText());
        assertThat(one.get("/api-keys?organization_id=" + one.orgId, otherKey).status()).isEqualTo(404);
        assertThat(one.get("/api-keys", one.orgKey).raw()).as("never a secret or hash").doesNotContain(mine)
                .doesNotContain(mine.substring(7)).doesNotContain("key_hash");
        assertThat(one.post("/api-keys", otherKey, Map.of("scope", "admin")).status()).isEqualTo(403);
    }

    @Test
    void aReadKeyReadsAndIsRefusedEveryWrite() {
        String read = newKey(one.orgKey, Map.of("scope", "read"));
        assertThat(one.get("/organizations/" + one.orgId, read).status()).isEqualTo(200);
        var write = one.post("/locations", read, Map.of("lat", 1.0, "lon", 2.0));
        assertThat(write.status()).isEqualTo(403);
        assertThat(write.body().at("/error/message").asText()).contains("may only read");
        assertThat(one.call("DELETE", "/api-keys/" + UUID.randomUUID(), read, null).status()).isEqualTo(403);
        assertThat(one.post("/api-keys", one.orgKey, Map.of("scope", "owner")).status()).isEqualTo(422);
    }

    @Test
    void anExpiredKeyStopsWorkingEvenWhenCached() throws Exception {
        String key = newKey(one.orgKey, Map.of("expires_at", OffsetDateTime.now().plusSeconds(2).toString()));
        assertThat(one.get("/organizations/" + one.orgId, key).status()).isEqualTo(200);
        Thread.sleep(2200);
        assertThat(one.get("/organizations/" + one.orgId, key).status()).isEqualTo(401);
        assertThat(one.post("/api-keys", one.orgKey, Map.of("expires_at", OffsetDateTime.now().minusMinutes(1).toString())).status())
                .isEqualTo(422);
    }

    @Test
    void theCliListsAndRevokes() {
        var made = created(one.orgKey, Map.of("label", "cli"));
        String key = made.get("api_key").asText();
        String id = made.get("id").asText();
        String url = one.herald.config().get(dev.herald.config.Settings.DATABASE_URL).orElseThrow();
        String listed = cli("keys", "list", "--organization", one.orgId.toString(), "--database-url", url);
        assertThat(listed).contains(id).contains("write").doesNotContain(key);
        assertThat(cli("keys", "revoke", id, "--database-url", url)).isEmpty();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> one.get("/organizations/" + one.orgId, key).status() == 401);
        assertThat(Main.run("keys", "revoke", "not-a-uuid", "--database-url", url)).isNotZero();
    }

    private static String cli(String... args) {
        PrintStream out = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run(args)).isZero();
        } finally {
            System.setOut(out);
        }
        return buf.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("id ")).reduce("", (a, b) -> a + b + "\n").trim();
    }
}
