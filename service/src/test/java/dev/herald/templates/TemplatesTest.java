package dev.herald.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.contacts.Channel;
import dev.herald.contacts.ContactTarget;
import dev.herald.contacts.WebhookSecrets;
import dev.herald.json.Json;
import dev.herald.testing.TestApp;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Templates: defaults, escaping per format, validated overrides through the API, cache invalidation on save. */
class TemplatesTest {
    static TestApp app;
    static JsonNode sample;

    @BeforeAll
    static void start() throws Exception {
        app = TestApp.start(Map.of("delivery.template.max-chars", "2000"));
        sample = Json.mapper().readTree(Templates.class.getResourceAsStream("defaults/sample-context.json"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static ContactTarget contact(UUID org, Channel channel) {
        return new ContactTarget(UUID.randomUUID(), org, channel, channel == Channel.WEBHOOK ? "http://127.0.0.1/x" : "a@example.com",
                channel == Channel.WEBHOOK ? WebhookSecrets.generate() : null, null);
    }

    static String path(UUID org, String name) {
        return "/organizations/" + org + "/templates/" + name;
    }

    UUID newOrg() {
        return app.herald.organizations().create("T " + UUID.randomUUID(), null, false, null).id();
    }

    @Test
    void defaultWebhookBodyIsValidJsonCarryingTheContext() throws Exception {
        RenderedMessage m = app.herald.renderer().render(contact(app.orgId, Channel.WEBHOOK), "incident.opened", sample);
        assertThat(m.emailSubject()).isNull();
        JsonNode body = Json.mapper().readTree(m.webhookBody());
        assertThat(body.path("type").asText()).isEqualTo("incident.opened");
        assertThat(body.path("data")).isEqualTo(sample); // the whole context, unchanged, as Standard Webhooks' data
        // The Standard Webhooks envelope: exactly type, timestamp (ISO 8601 UTC) and data.
        assertThat(body.fieldNames()).toIterable().containsExactly("type", "timestamp", "data");
        assertThat(java.time.Instant.parse(body.path("timestamp").asText())).isNotNull();
    }

    @Test
    void defaultsRenderASparseContextToo() throws Exception {
        JsonNode sparse = Json.mapper().readTree("{\"incident\": {\"id\": \"x\", \"kind\": \"internet\", \"status\": \"resolved\", "
                + "\"location\": {\"thoroughfare\": null, \"locality\": \"Springfield\", \"region\": \"NY\", \"postcode\": null}}}");
        RenderedMessage w = app.herald.renderer().render(contact(app.orgId, Channel.WEBHOOK), "incident.resolved", sparse);
        assertThat(Json.mapper().readTree(w.webhookBody()).path("data")).isEqualTo(sparse);
        RenderedMessage e = app.herald.renderer().render(contact(app.orgId, Channel.EMAIL), "incident.resolved", sparse);
        assertThat(e.emailSubject()).isEqualTo("[Herald] Internet incident resolved");
        assertThat(e.emailText()).contains("Location:  Springfield, NY\n");
        JsonNode intel = Json.mapper().readTree("{\"subject\": {\"type\": \"intel_request\", \"id\": \"q\"}, "
                + "\"intel_request\": {\"id\": \"q\", \"question\": \"Generator <on>?\", \"status\": \"answered\"}}");
        RenderedMessage q = app.herald.renderer().render(contact(app.orgId, Channel.EMAIL), "intel_request.updated", intel);
        assertThat(q.emailSubject()).isEqualTo("[Herald] Intel request answered: Generator <on>?");
        assertThat(q.emailText()).contains("Generator <on>?");
        assertThat(q.emailHtml()).contains("Generator &lt;on&gt;?");
    }

    @Test
    void defaultEmailHasSubjectTextAndEscapedHtml() {
        RenderedMessage m = app.herald.renderer().render(contact(app.orgId, Channel.EMAIL), "incident.updated", sample);
        assertThat(m.webhookBody()).isNull();
        assertThat(m.emailSubject()).isEqualTo("[Herald] Power incident open (severity 4): Substation fault \"B\" <north>");
        assertThat(m.emailText()).contains("Substation fault \"B\" <north>").contains("Tower 7").contains("Springfield Power, 1200 customers")
                .contains("\n  Location:  1 Main St, Springfield, NY, 10001\n").contains("\n  Internet:  NetCo fiber\n")
                .contains("\n  Kind:      power\n  Status:    open\n"); // line breaks kept: they are a text template's layout
        assertThat(m.emailHtml()).contains("Substation fault &quot;B&quot; &lt;north&gt;").doesNotContain("\"B\" <north>")
                .contains("Sample &lt;Org&gt; &amp; &quot;Co&quot;");
    }

    @Test
    void printedValuesAreEscapedForJsonInWebhookBodies() throws Exception {
        UUID org = newOrg();
        var r = app.call("PUT", path(org, "webhook_body"), app.adminKey,
                Map.of("template", "{\"title\": \"{{ incident.title }}\", \"org\": \"{{ organization.name }}\", \"n\": {{ incident.severity }}, \"assets\": {{ assets | json }}}"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(Json.mapper().readTree(r.body().path("preview").asText()).path("title").asText()).isEqualTo("Substation fault \"B\" <north>");
        JsonNode ctx = Json.mapper().readTree("{\"incident\": {\"title\": \"line1\\nline2 \\\\ \\\"q\\\" \\u0001\", \"severity\": 2}, \"organization\": {\"name\": \"x\"}}");
        String body = app.herald.renderer().render(contact(org, Channel.WEBHOOK), "e", ctx).webhookBody();
        JsonNode parsed = Json.mapper().readTree(body);
        assertThat(parsed.path("title").asText()).isEqualTo("line1\nline2 \\ \"q\" \u0001");
        assertThat(parsed.path("n").asInt()).isEqualTo(2);
        assertThat(parsed.path("assets").isNull()).isTrue();
    }

    @Test
    void brokenTemplatesAre422AndNothingIsSaved() {
        UUID org = newOrg();
        Map<String, String> bad = Map.of(
                "webhook_body", "{\"a\": {{ incident.title | json }}",              // renders, but not JSON
                "email_subject", "{{ incident.title ",                               // does not compile
                "email_text", "{% for x in %}{% endfor %}",                           // does not compile
                "email_html", "{{ incident.severity / 0 }}");                        // fails to render
        bad.forEach((name, tpl) -> {
            var r = app.call("PUT", path(org, name), app.adminKey, Map.of("template", tpl));
            assertThat(r.status()).as(name).isEqualTo(422);
            assertThat(r.errorCode()).isEqualTo("unprocessable");
            assertThat(r.body().path("error").path("message").asText()).as(name).contains(name);
            var got = app.get(path(org, name), app.adminKey);
            assertThat(got.body().path("default").asBoolean()).as(name).isTrue();
        });
        for (String tpl : new String[] {"", "hello, not json", "{% for i in range(1, 100000000) %}{% endfor %}{}",
                "{% include \"/etc/passwd\" %}{}", "{\"x\": \"" + "a".repeat(2100) + "\"}", "{{ incident.title | nosuchfilter }}"}) {
            var r = app.call("PUT", path(org, "webhook_body"), app.adminKey, Map.of("template", tpl));
            assertThat(r.status()).as(tpl.length() > 60 ? tpl.substring(0, 60) : tpl).isEqualTo(422);
        }
        var emptySubject = app.call("PUT", path(org, "email_subject"), app.adminKey, Map.of("template", "{{ nothing }}"));
        assertThat(emptySubject.status()).isEqualTo(422);
        assertThat(app.call("PUT", path(org, "webhook_body"), app.adminKey, Map.of("body", "{}")).status()).isEqualTo(400);
        assertThat(app.call("PUT", path(org, "webhook_body"), app.adminKey, "{\"template\": null}").status()).isEqualTo(422);
        long saved = app.herald.db().<Long>read("count", c -> {
            try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM templates WHERE organization_id = '" + org + "'")) {
                rs.next();
                return rs.getLong(1);
            }
        });
        assertThat(saved).isZero();
    }

    @Test
    void savedOverridesAreUsedAtOnceAndCanBeReset() {
        UUID org = newOrg();
        ContactTarget c = contact(org, Channel.EMAIL);
        assertThat(app.herald.renderer().render(c, "e", sample).emailSubject()).startsWith("[Herald]"); // caches the defaults
        var put = app.call("PUT", path(org, "email_subject"), app.adminKey, Map.of("template", "ALERT {{ incident.kind | upper }}"));
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.body().path("preview").asText()).isEqualTo("ALERT POWER");
        var got = app.get(path(org, "email_subject"), app.adminKey);
        assertThat(got.body().path("default").asBoolean()).isFalse();
        assertThat(got.body().path("template").asText()).isEqualTo("ALERT {{ incident.kind | upper }}");
        assertThat(app.herald.renderer().render(c, "e", sample).emailSubject()).isEqualTo("ALERT POWER");
        assertThat(app.herald.renderer().render(contact(app.orgId, Channel.EMAIL), "e", sample).emailSubject()).startsWith("[Herald]");

        assertThat(app.call("DELETE", path(org, "email_subject"), app.adminKey, null).status()).isEqualTo(204);
        assertThat(app.herald.renderer().render(c, "e", sample).emailSubject()).startsWith("[Herald]");
    }

    @Test
    void aSaveInOneProcessReachesAnotherProcesssCache() throws Exception {
        UUID org = newOrg();
        ContactTarget c = contact(org, Channel.EMAIL);
        try (dev.herald.Herald other = dev.herald.Herald.open(app.herald.config())) {
            await("the other process listens").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                    .until(() -> other.templates().listening());
            assertThat(other.renderer().render(c, "e", sample).emailSubject()).startsWith("[Herald]"); // cached in the other process
            assertThat(app.call("PUT", path(org, "email_subject"), app.adminKey, Map.of("template", "v2 {{ incident.kind }}")).status()).isEqualTo(200);
            await("the save reaches the other process").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                    .untilAsserted(() -> assertThat(other.renderer().render(c, "e", sample).emailSubject()).isEqualTo("v2 power"));
        }
    }

    @Test
    void templatesAreScopedToTheirOrganization() {
        UUID other = newOrg();
        assertThat(app.get(path(other, "webhook_body"), app.orgKey).status()).isEqualTo(404);
        assertThat(app.call("PUT", path(other, "webhook_body"), app.orgKey, Map.of("template", "{}")).status()).isEqualTo(404);
        assertThat(app.get(path(app.orgId, "sms_body"), app.orgKey).status()).isEqualTo(404);
        assertThat(app.get(path(app.orgId, "webhook_body"), app.orgKey).status()).isEqualTo(200);
    }
}
