package dev.herald.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import dev.herald.testing.TestApp;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contacts API on a real Herald and database. */
class ContactsApiTest {
    static TestApp app;
    static UUID otherOrg;
    static String otherKey;

    @BeforeAll
    static void start() {
        app = TestApp.start(Map.of("delivery.allow-private-targets", "true"));
        otherOrg = app.herald.organizations().create("Other Org", null, false, null).id();
        otherKey = app.herald.keys().create(otherOrg, "other").secret();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static String path(UUID org) {
        return "/organizations/" + org + "/contacts";
    }

    static JsonNode json(String s) {
        try {
            return Json.mapper().readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aWebhookWithoutSecretGetsOneGeneratedAndShownOnce() {
        var created = app.post(path(app.orgId), app.orgKey, Map.of("channel", "webhook", "target", "http://127.0.0.1:9/hooks"));
        assertThat(created.status()).isEqualTo(201);
        String secret = created.body().path("secret").asText();
        assertThat(secret).startsWith("whsec_");
        assertThat(WebhookSecrets.key(secret)).hasSize(32);
        String id = created.body().path("id").asText();

        var got = app.get(path(app.orgId) + "/" + id, app.orgKey);
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.body().has("secret")).isFalse();
        assertThat(got.raw()).doesNotContain(secret.substring(6, 20));
        assertThat(got.body().path("channel").asText()).isEqualTo("webhook");
        assertThat(got.body().path("target").asText()).isEqualTo("http://127.0.0.1:9/hooks");

        ContactTarget target = storedTarget(UUID.fromString(id));
        assertThat(target.secret()).isEqualTo(secret);
        assertThat(target.toString()).doesNotContain(secret);
    }

    @Test
    void givenSecretsAndOutboundCredentialsAreNeverAnswered() {
        String secret = WebhookSecrets.generate();
        Map<String, Object> body = Map.of("channel", "webhook", "target", "https://127.0.0.1:8443/in", "secret", secret,
                "outbound_auth", Map.of("type", "oauth2", "token_url", "http://127.0.0.1:9/token", "client_id", "herald",
                        "client_secret", "very-secret-client", "scope", "hooks"),
                "subscription", Map.of("kinds", List.of("power"), "min_severity", 3),
                "throttle", Map.of("max", 10, "window", "1m"));
        var created = app.post(path(app.orgId), app.orgKey, body);
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.raw()).doesNotContain(secret).doesNotContain("very-secret-client");
        assertThat(created.body().path("outbound_auth").path("type").asText()).isEqualTo("oauth2");
        assertThat(created.body().path("outbound_auth").path("client_id").asText()).isEqualTo("herald");
        assertThat(created.body().path("subscription").path("min_severity").asInt()).isEqualTo(3);
        assertThat(created.body().path("throttle").path("max").asInt()).isEqualTo(10);

        var headers = app.post(path(app.orgId), app.orgKey, Map.of("channel", "webhook", "target", "http://127.0.0.1:9/h",
                "outbound_auth", Map.of("type", "headers", "headers", Map.of("X-Api-Key", "header-secret-value"))));
        assertThat(headers.status()).isEqualTo(201);
        assertThat(headers.body().path("outbound_auth").path("header_names").get(0).asText()).isEqualTo("X-Api-Key");
        var list = app.get(path(app.orgId) + "?limit=1000", app.orgKey);
        assertThat(list.raw()).doesNotContain(secret).doesNotContain("very-secret-client").doesNotContain("header-secret-value")
                .doesNotContain("whsec_");
    }

    @Test
    void emailContactsAreValidated() {
        var ok = app.post(path(app.orgId), app.orgKey, Map.of("channel", "email", "target", "ops@example.com"));
        assertThat(ok.status()).isEqualTo(201);
        assertThat(ok.body().has("secret")).isFalse();
        for (String bad : List.of("not-an-address", "ops@", "Ops <ops@example.com>", "a@b", "two@example.com, three@example.com")) {
            var r = app.post(path(app.orgId), app.orgKey, Map.of("channel", "email", "target", bad));
            assertThat(r.status()).as(bad).isEqualTo(422);
            assertThat(r.body().path("error").path("message").asText()).as(bad).contains("target");
        }
        var withSecret = app.post(path(app.orgId), app.orgKey, Map.of("channel", "email", "target", "ops@example.com", "secret", WebhookSecrets.generate()));
        assertThat(withSecret.status()).isEqualTo(422);
    }

    @Test
    void malformedWebhookInputIsRefusedAndNothingIsSaved() {
        long before = count(app.orgKey, app.orgId);
        List<Map<String, Object>> bad = List.of(
                Map.of("channel", "webhook", "target", "ftp://127.0.0.1/x"),
                Map.of("channel", "webhook", "target", "not a url"),
                Map.of("channel", "webhook", "target", "http:///nohost"),
                Map.of("channel", "webhook", "target", "http://user:pw@127.0.0.1/x"),
                Map.of("channel", "webhook"),
                Map.of("channel", "sms", "target", "+15550100"),
                Map.of("target", "http://127.0.0.1/x"),
                Map.of("channel", "webhook", "target", "http://127.0.0.1/x", "secret", "whsec_tooShort"),
                Map.of("channel", "webhook", "target", "http://127.0.0.1/x", "secret", "sk_live_abc"),
                Map.of("channel", "webhook", "target", "http://127.0.0.1/x", "subscription", Map.of("kinds", List.of("fire"))),
                Map.of("channel", "webhook", "target", "http://127.0.0.1/x", "subscription", Map.of("min_severity", 9)),
                Map.of("channel", "webhook", "target", "http://127.0.0.1/x", "throttle", List.of(1)),
                Map.of("channel", "webhook", "target", "http://127.0.0.1/x", "throttle", Map.of("max", 0, "window", "1h")),
                Map.of("channel", "webhook", "target", "http://127.0.0.1/x", "throttle", Map.of("max", 3, "window", "soon")),
                Map.of("channel", "webhook", "target", "http://127.0.0.1/x", "throttle", Map.of("max", 3, "window", "1h", "group_by", "planet")),
                Map.of("channel", "webhook", "target", "http://127.0.0.1/x", "throttle", Map.of("per_minute", 10)),
                Map.of("channel", "webhook", "target", "http://127.0.0.1/x", "outbound_auth", Map.of("type", "kerberos")),
                Map.of("channel", "webhook", "target", "http://127.0.0.1/x", "outbound_auth", Map.of("type", "oauth2", "token_url", "http://127.0.0.1/t")),
                Map.of("channel", "webhook", "target", "http://127.0.0.1/x", "outbound_auth", Map.of("type", "headers", "headers", Map.of("webhook-id", "x"))));
        for (Map<String, Object> b : bad) {
            var r = app.post(path(app.orgId), app.orgKey, b);
            assertThat(r.status()).as(b.toString()).isEqualTo(422);
            assertThat(r.errorCode()).isEqualTo("unprocessable");
            assertThat(r.raw()).doesNotContain("whsec_tooShort").doesNotContain("sk_live_abc");
        }
        assertThat(app.post(path(app.orgId), app.orgKey, "{\"channel\": \"webhook\", ").status()).isEqualTo(400);
        assertThat(app.post(path(app.orgId), app.orgKey, Map.of("channel", "webhook", "target", "http://127.0.0.1/x", "colour", "red")).status()).isEqualTo(400);
        assertThat(count(app.orgKey, app.orgId)).isEqualTo(before);
    }

    @Test
    void anotherOrganizationsContactsAnswer404() {
        var mine = app.post(path(app.orgId), app.orgKey, Map.of("channel", "email", "target", "mine@example.com"));
        String id = mine.body().path("id").asText();
        assertThat(app.get(path(app.orgId) + "/" + id, otherKey).status()).isEqualTo(404);
        assertThat(app.get(path(otherOrg) + "/" + id, otherKey).status()).isEqualTo(404);
        assertThat(app.get(path(app.orgId), otherKey).status()).isEqualTo(404);
        assertThat(app.post(path(app.orgId), otherKey, Map.of("channel", "email", "target", "x@example.com")).status()).isEqualTo(404);
        assertThat(app.get(path(otherOrg), otherKey).body().path("items").toString()).doesNotContain(id);
        assertThat(app.get(path(app.orgId) + "/" + id, app.adminKey).status()).isEqualTo(200);
        assertThat(app.get(path(UUID.randomUUID()), app.adminKey).status()).isEqualTo(404);
        assertThat(app.get(path(app.orgId), null).status()).isEqualTo(401);
        assertThat(app.get(path(app.orgId) + "/not-a-uuid", app.orgKey).status()).isEqualTo(400);
    }

    @Test
    void listsPageWithCursorAndCount() {
        UUID org = app.herald.organizations().create("Paged Org", null, false, null).id();
        String key = app.herald.keys().create(org, "paged").secret();
        for (int i = 0; i < 7; i++) {
            assertThat(app.post(path(org), key, Map.of("channel", "email", "target", "p" + i + "@example.com")).status()).isEqualTo(201);
        }
        Set<String> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            var r = app.get(path(org) + "?limit=3&count=true" + (cursor == null ? "" : "&cursor=" + cursor), key);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body().path("total").asLong()).isEqualTo(7);
            r.body().path("items").forEach(i -> seen.add(i.path("target").asText()));
            cursor = r.body().path("has_more").asBoolean() ? r.body().path("next_cursor").asText() : null;
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(7);
        assertThat(app.get(path(org), key).body().path("items")).hasSize(7);
        assertThat(app.get(path(org), key).body().has("total")).isFalse();
        assertThat(app.get(path(org) + "?limit=1001", key).status()).isEqualTo(422);
        assertThat(app.get(path(org) + "?cursor=!!!", key).status()).isEqualTo(400);
        assertThat(app.get(path(org) + "?cursor=" + dev.herald.api.PageRequest.encode("garbage"), key).status()).isEqualTo(400);
    }

    @Test
    void disablingAContactShowsInTheApi() {
        var c = app.post(path(app.orgId), app.orgKey, Map.of("channel", "webhook", "target", "http://127.0.0.1:9/gone"));
        UUID id = UUID.fromString(c.body().path("id").asText());
        assertThat(app.herald.contacts().disable(id, "receiver answered 410")).isTrue();
        assertThat(app.herald.contacts().disable(id, "again")).isFalse();
        var got = app.get(path(app.orgId) + "/" + id, app.orgKey).body();
        assertThat(got.path("disabled").asBoolean()).isTrue();
        assertThat(got.path("disabled_reason").asText()).isEqualTo("receiver answered 410");
    }

    @Test
    void storedSubscriptionsAreFilteredByTheOneSubscriptionFilter() {
        // The filter the fan-out runs (herald_subscription_accepts, in SQL) on what the API stored.
        UUID org = app.herald.organizations().create("Fan-out Org", null, false, null).id();
        String key = app.herald.keys().create(org, "fan").secret();
        UUID all = UUID.fromString(app.post(path(org), key, Map.of("channel", "email", "target", "all@example.com")).body().path("id").asText());
        UUID power = UUID.fromString(app.post(path(org), key, Map.of("channel", "email", "target", "power@example.com",
                "subscription", Map.of("kinds", List.of("power"), "min_severity", 3))).body().path("id").asText());

        assertThat(accepts(all, "internet", 1)).isTrue();
        assertThat(accepts(power, "power", 3)).isTrue();
        assertThat(accepts(power, "power", 2)).isFalse();
        assertThat(accepts(power, "internet", 5)).isFalse();
    }

    private static boolean accepts(UUID contact, String kind, int severity) {
        return app.herald.db().read("test", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT herald_subscription_accepts(c, 'incident.opened', ?, ?, false, NULL, NULL, NULL, 'incident', NULL, NULL) FROM contacts c WHERE c.id = ?")) {
                ps.setString(1, kind);
                ps.setInt(2, severity);
                ps.setObject(3, contact);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getBoolean(1);
                }
            }
        });
    }

    /** The contact with its secrets, through the same column mapping the pipeline's claim uses. */
    static ContactTarget storedTarget(UUID contact) {
        var contacts = app.herald.contacts();
        return contacts.target(contacts.organizationOf(contact).orElseThrow(), contact).orElseThrow();
    }

    private static long count(String key, UUID org) {
        return app.get(path(org) + "?count=true&limit=1", key).body().path("total").asLong();
    }
}
