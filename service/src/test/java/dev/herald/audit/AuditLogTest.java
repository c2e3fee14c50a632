package dev.herald.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.cli.Main;
import dev.herald.testing.TestApp;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every state-changing call and CLI command is in the audit log, with who, what and the outcome, and nothing else. */
class AuditLogTest {
    static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start(Map.of());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void writesAreLoggedWithWhoWhatAndOutcomeAndNeverABody() {
        UUID org = app.herald.organizations().create("Audited " + UUID.randomUUID(), null, false, null).id();
        String key = app.herald.keys().create(org, "feed").secret();
        var created = app.post("/locations", key, Map.of("lat", 52.5, "lon", 13.4, "locality", "Secret Street 1"));
        String location = created.body().get("id").asText();
        assertThat(app.post("/locations", key, Map.of("lat", 500.0, "lon", 13.4)).status()).isEqualTo(422);
        assertThat(app.get("/locations/" + location, key).status()).as("reads are not logged").isEqualTo(200);
        var made = app.post("/api-keys", key, Map.of("scope", "read"));
        String newSecret = made.body().get("api_key").asText();

        JsonNode page = app.get("/audit-log?organization_id=" + org + "&limit=10", app.adminKey).body();
        JsonNode items = page.get("items");
        assertThat(items).hasSize(3);
        JsonNode keyEntry = items.get(0);
        assertThat(keyEntry.get("route").asText()).isEqualTo("/api-keys");
        assertThat(keyEntry.get("record_id").asText()).isEqualTo(made.body().get("id").asText());
        JsonNode refused = items.get(1);
        assertThat(refused.get("outcome").asText()).isEqualTo("refused");
        assertThat(refused.get("status").asInt()).isEqualTo(422);
        JsonNode ok = items.get(2);
        assertThat(ok.get("method").asText()).isEqualTo("POST");
        assertThat(ok.get("route").asText()).isEqualTo("/locations");
        assertThat(ok.get("record_id").asText()).isEqualTo(location);
        assertThat(ok.get("outcome").asText()).isEqualTo("ok");
        assertThat(ok.get("key_prefix").asText()).isEqualTo(key.substring(0, 7));
        assertThat(page.toString()).doesNotContain("Secret Street").doesNotContain(newSecret).doesNotContain(key);

        assertThat(app.get("/audit-log", key).status()).as("admins only").isEqualTo(403);
    }

    @Test
    void cliCommandsThatChangeStateAreLogged() {
        String url = app.herald.config().get(dev.herald.config.Settings.DATABASE_URL).orElseThrow();
        var made = app.post("/api-keys", app.orgKey, Map.of("label", "to revoke"));
        String id = made.body().get("id").asText();
        assertThat(Main.run("keys", "revoke", id, "--database-url", url)).isZero();
        JsonNode items = app.get("/audit-log?limit=50", app.adminKey).body().get("items");
        boolean found = false;
        for (JsonNode e : items) {
            if (e.get("actor").asText().equals("cli") && e.get("route").asText().equals("keys revoke") && e.get("record_id").asText().equals(id)) {
                found = e.get("outcome").asText().equals("ok");
            }
        }
        assertThat(found).isTrue();
    }
}
