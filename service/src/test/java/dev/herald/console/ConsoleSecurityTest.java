package dev.herald.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestApp;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's guards, over plain HTTP: a wrong key starts no session; the session cookie is HttpOnly and
 * SameSite=Strict; a forged or missing CSRF token is 403 and changes nothing; another organization's id is a 404 page;
 * pages allow no inline script and show no secret.
 */
class ConsoleSecurityTest {
    static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start(Map.of("delivery.allow-private-targets", "true"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void aWrongKeyStartsNoSession() throws Exception {
        ConsoleHttp c = new ConsoleHttp(app.baseUrl());
        HttpResponse<String> r = c.post("/console/sign-in", Map.of("key", "hk_not-a-key"));
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(c.get(r.headers().firstValue("Location").orElseThrow()).body()).contains("That key is not valid");
        assertThat(c.get("/console").headers().firstValue("Location")).contains("/console/sign-in");
    }

    @Test
    void theSessionCookieIsHttpOnlyStrictAndCsrfGuardsEveryAction() throws Exception {
        ConsoleHttp c = new ConsoleHttp(app.baseUrl());
        HttpResponse<String> in = c.post("/console/sign-in", Map.of("key", app.orgKey));
        String cookie = in.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).contains("HttpOnly").containsIgnoringCase("SameSite=Strict").contains("Path=/console");
        String secret = dev.herald.contacts.WebhookSecrets.generate();
        String contact = app.post("/organizations/" + app.orgId + "/contacts", app.orgKey, Map.of("channel", "webhook",
                "target", "http://127.0.0.1:9/h", "secret", secret)).body().path("id").asText();
        app.patch("/contacts/" + contact, app.orgKey, Map.of("enabled", false));
        assertThat(app.get("/contacts/" + contact, app.orgKey).body().path("disabled").asBoolean()).isTrue();

        HttpResponse<String> page = c.get("/console/contacts?organization_id=" + app.orgId);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(contact).doesNotContain(secret).doesNotContain(app.orgKey).doesNotContain("<script>");
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("script-src 'self'").doesNotContain("unsafe-inline");

        for (String forged : new String[] {"", "forged-token", ConsoleRoutes.csrf("hk_someone-else")}) {
            HttpResponse<String> r = c.post("/console/contacts/" + contact + "/enable", Map.of("csrf", forged, "organization_id", app.orgId.toString()));
            assertThat(r.statusCode()).as("csrf '" + forged + "'").isEqualTo(403);
            assertThat(app.get("/contacts/" + contact, app.orgKey).body().path("disabled").asBoolean()).as("nothing changed").isTrue();
        }
        HttpResponse<String> ok = c.post("/console/contacts/" + contact + "/enable", Map.of("csrf", ConsoleRoutes.csrf(app.orgKey),
                "organization_id", app.orgId.toString()));
        assertThat(ok.statusCode()).isEqualTo(302);
        assertThat(app.get("/contacts/" + contact, app.orgKey).body().path("disabled").asBoolean()).isFalse();
    }

    @Test
    void anotherOrganizationsIdIsANotFoundPage() throws Exception {
        UUID other = app.herald.organizations().create("Other " + UUID.randomUUID(), null, false, null).id();
        ConsoleHttp c = new ConsoleHttp(app.baseUrl());
        c.post("/console/sign-in", Map.of("key", app.orgKey));
        for (String path : new String[] {"/console?organization_id=" + other, "/console/contacts?organization_id=" + other,
                "/console/contacts?organization_id=" + UUID.randomUUID(), "/console/dead?organization_id=not-a-uuid"}) {
            HttpResponse<String> r = c.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).contains("No such organization");
        }
        assertThat(c.get("/console/overview.json?organization_id=" + other).statusCode()).isEqualTo(404);
    }
}
