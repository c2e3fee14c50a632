package dev.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestApp;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP contract every feature relies on: keys, tenant scoping, JSON errors, health and metrics. */
class HttpSkeletonTest {
    static TestApp app;

    @BeforeAll
    static void start() {
        app = new TestApp();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void healthNeedsNoKeyAndReportsTheDatabase() {
        var r = app.get("/health", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().path("checks").path("database").asText()).isEqualTo("ok");
    }

    @Test
    void everyOtherCallNeedsAValidKeyAndSaysNothingAboutTheRecord() {
        String path = "/organizations/" + app.orgId;
        var missing = app.get(path, null);
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.errorCode()).isEqualTo("unauthorized");
        var wrong = app.get(path, "hk_not-a-real-key");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.raw()).doesNotContain("Test Org");
        var unknown = app.get("/organizations/" + UUID.randomUUID(), "hk_not-a-real-key");
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.raw()).isEqualTo(wrong.raw());
    }

    @Test
    void anOrganizationKeySeesItsOwnOrganizationOnly() {
        var mine = app.get("/organizations/" + app.orgId, app.orgKey);
        assertThat(mine.status()).isEqualTo(200);
        assertThat(mine.body().path("name").asText()).isEqualTo("Test Org");
        var other = app.post("/organizations", app.adminKey, Map.of("name", "Other", "create_key", true));
        assertThat(other.status()).isEqualTo(201);
        String otherId = other.body().path("organization").path("id").asText();
        assertThat(other.body().path("api_key").asText()).startsWith("hk_");
        var notMine = app.get("/organizations/" + otherId, app.orgKey);
        assertThat(notMine.status()).isEqualTo(404);
        assertThat(notMine.raw()).doesNotContain("Other");
        var byTheirKey = app.get("/organizations/" + otherId, other.body().path("api_key").asText());
        assertThat(byTheirKey.status()).isEqualTo(200);
    }

    @Test
    void onlyAdminsCreateOrganizations() {
        var r = app.post("/organizations", app.orgKey, Map.of("name", "Nope"));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.errorCode()).isEqualTo("forbidden");
    }

    @Test
    void badInputGetsAJsonErrorWithACodeAndAMessage() {
        var malformed = app.post("/organizations", app.adminKey, "{\"name\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body().path("error").path("message").asText()).startsWith("malformed JSON");
        var unknownField = app.post("/organizations", app.adminKey, Map.of("name", "X", "colour", "red"));
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.body().path("error").path("message").asText()).isEqualTo("unknown field 'colour'");
        var invalid = app.post("/organizations", app.adminKey, Map.of("name", " "));
        assertThat(invalid.status()).isEqualTo(422);
        var badId = app.get("/organizations/not-a-uuid", app.adminKey);
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.body().path("error").path("message").asText()).contains("must be a UUID");
        var noRoute = app.get("/nowhere", app.adminKey);
        assertThat(noRoute.status()).isEqualTo(404);
        assertThat(noRoute.errorCode()).isEqualTo("not_found");
    }

    @Test
    void metricsAreOpenOnLoopbackAndShowPerQueryTimings() {
        app.get("/organizations/" + app.orgId, app.orgKey);
        var r = app.get("/metrics", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw()).contains("herald_db_query_seconds_bucket").contains("query=\"ApiKeys.AUTHENTICATE\"");
    }

    @Test
    void aVerifiedKeyIsRememberedSoRequestsDoNotPayALookupEach() {
        String key = app.herald.keys().create(app.orgId, "cache test").secret();
        double before = authLookups();
        assertThat(app.get("/organizations/" + app.orgId, key).status()).isEqualTo(200);
        assertThat(app.get("/organizations/" + app.orgId, key).status()).isEqualTo(200);
        assertThat(app.get("/organizations/" + app.orgId, key).status()).isEqualTo(200);
        assertThat(authLookups() - before).isEqualTo(1.0);
        // an unknown key is looked up every time (never cached), and stays refused
        assertThat(app.get("/organizations/" + app.orgId, "hk_unknown").status()).isEqualTo(401);
        assertThat(app.get("/organizations/" + app.orgId, "hk_unknown").status()).isEqualTo(401);
        assertThat(authLookups() - before).isEqualTo(3.0);
    }

    private static double authLookups() {
        var timer = app.herald.metrics().registry().find("herald.db.query").tag("query", "ApiKeys.AUTHENTICATE").timer();
        return timer == null ? 0 : timer.count();
    }

    @Test
    void keysAreStoredOnlyAsHashes() {
        String stored = app.herald.db().read("test.keys", c -> {
            try (var rs = c.createStatement().executeQuery("SELECT string_agg(encode(key_hash, 'escape') || key_prefix, '|') FROM api_keys")) {
                rs.next();
                return rs.getString(1);
            }
        });
        assertThat(stored).doesNotContain(app.orgKey).doesNotContain(app.adminKey);
    }
}
