package dev.herald.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.contacts.Channel;
import dev.herald.json.Json;
import dev.herald.testing.TestApp;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Templates are a sandbox: no method calls, an immutable context per render, and a render budget (time and size) that
 * stops runaway templates at save and at send, for the template's organization only. Each test here failed before
 * the sandbox (method calls ran, the shared sample was changed, the macro and replace chains ran for seconds).
 */
class TemplateSandboxTest {
    static TestApp app;
    static JsonNode sample;

    @BeforeAll
    static void start() throws Exception {
        app = TestApp.start(Map.of("delivery.template.render-timeout", "500ms"));
        sample = Json.mapper().readTree(Templates.class.getResourceAsStream("defaults/sample-context.json"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static UUID newOrg() {
        return app.herald.organizations().create("S " + UUID.randomUUID(), null, false, null).id();
    }

    static TestApp.Response put(UUID org, String name, String template) {
        return app.call("PUT", TemplatesTest.path(org, name), app.adminKey, Map.of("template", template));
    }

    static String error(TestApp.Response r) {
        return r.body().path("error").path("message").asText();
    }

    /** Saves a template straight into the table, as one saved before these checks would be. */
    static void storeUnchecked(UUID org, String name, String body) {
        app.herald.db().write("Test.TEMPLATE", c -> {
            try (var ps = c.prepareStatement("INSERT INTO templates (organization_id, name, body) VALUES (?, ?, ?)")) {
                ps.setObject(1, org);
                ps.setString(2, name);
                ps.setString(3, body);
                return ps.executeUpdate();
            }
        });
    }

    @Test
    void methodCallsAreRefusedWithAMessageNamingNoJavaClass() {
        UUID org = newOrg();
        for (String tpl : new String[] {"{{ incident.title.toUpperCase() }}", "{{ incident.put(\"title\", \"x\") }}",
                "{{ organization.clear() }}", "{{ incident.title.length }}", "{{ template.name }}", "{{ incident.getClass() }}"}) {
            var r = put(org, "email_text", "x " + tpl);
            assertThat(r.status()).as(tpl).isEqualTo(422);
            assertThat(error(r)).as(tpl).doesNotContain("java.").doesNotContain("pebble").doesNotContain("Exception");
        }
        assertThat(error(put(org, "email_text", "{{ incident.title.toUpperCase() }}"))).contains("cannot call methods").contains("line 1");
        // data access, filters and loop variables still work
        var ok = put(org, "email_text", "{{ incident.title | upper }} {% for a in assets %}{{ loop.index }}:{{ a.name }}{% if loop.last %}.{% endif %}{% endfor %} {{ incident.location.locality }}");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body().path("preview").asText()).isEqualTo("SUBSTATION FAULT \"B\" <NORTH> 0:Tower 7. Springfield");
    }

    @Test
    void oneOrganizationsTemplateCannotChangeAnothersPreviewOrValidation() {
        UUID a = newOrg();
        UUID b = newOrg();
        // Rendered as JSON before the sandbox ("{}"), and emptied the shared sample on the way.
        for (String tpl : new String[] {"{{ organization.clear() }}{{ incident.put(\"title\", \"pwned\") }}{}",
                "{% set x = organization %}{{ x.clear() }}{{ assets.clear() }}{}"}) {
            assertThat(put(a, "webhook_body", tpl).status()).isEqualTo(422);
        }
        // a set at the top level is the template's own variable, not the context's
        assertThat(put(a, "email_text", "{% set incident = \"gone\" %}{{ incident }}").status()).isEqualTo(200);
        var rb = put(b, "email_subject", "{{ organization.name }}: {{ incident.title }} ({{ assets | length }})");
        assertThat(rb.status()).isEqualTo(200);
        assertThat(rb.body().path("preview").asText()).isEqualTo("Sample <Org> & \"Co\": Substation fault \"B\" <north> (1)");
        // the stored context handed to the renderer is not changed either
        String before = Json.write(sample);
        app.herald.renderer().render(TemplatesTest.contact(a, Channel.EMAIL), "e", sample);
        assertThat(Json.write(sample)).isEqualTo(before);
    }

    @Test
    void macroFanOutIsRefusedWithinTheRenderTimeout() {
        UUID org = newOrg();
        // 2^18 calls each writing a character: the macros' own output counts towards the cap
        long t0 = System.nanoTime();
        var r = put(org, "email_text", "{% macro m(n) %}{% if n > 0 %}{{ m(n - 1) }}{{ m(n - 1) }}{% else %}x{% endif %}{% endmacro %}{{ m(18) }}");
        assertThat(r.status()).isEqualTo(422);
        // usually the cap (about 4.7 million characters written counting every level); on a loaded machine the deadline may come first
        assertThat(error(r)).contains("email_text").containsAnyOf("delivery.template.max-rendered-chars", "delivery.template.render-timeout");
        // 2^26 calls writing nothing: stopped by time
        var silent = put(org, "email_text", "{% macro m(n) %}{% if n > 0 %}{{ m(n - 1) }}{{ m(n - 1) }}{% endif %}{% endmacro %}{{ m(26) }}x");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(silent.status()).isEqualTo(422);
        assertThat(error(silent)).contains("email_text").contains("delivery.template.render-timeout 500ms");
        assertThat(ms).as("both refused in about the render timeout (500ms) each, not 14 s").isLessThan(3_000);
    }

    @Test
    void chainedReplaceAndConcatenationStopAtTheOutputCapBeforeBuildingIt() {
        UUID org = newOrg();
        String big = "a".repeat(300);
        String replace = "{{ \"" + big + "\" | replace({\"a\": \"" + big + "\"}) | replace({\"a\": \"" + big + "\"}) | replace({\"a\": \"" + big + "\"}) }}";
        long t0 = System.nanoTime();
        var r = put(org, "email_text", replace);
        assertThat(r.status()).isEqualTo(422);
        assertThat(error(r)).contains("delivery.template.max-rendered-chars");
        var doubling = put(org, "email_text", "{% set s = \"xx\" %}{% for d in dependents %}{% set s = s ~ s %}{% endfor %}{{ s | length }}");
        assertThat(doubling.status()).isEqualTo(422);
        assertThat(error(doubling)).contains("delivery.template.max-rendered-chars").contains("300 dependents");
        var lists = put(org, "email_text", "{% set l = [1] %}{% for d in dependents %}{% for e in dependents %}{% set l = l + [d] %}{% endfor %}{% endfor %}{{ l | length }}");
        assertThat(lists.status()).isEqualTo(422);
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
        assertThat(put(org, "email_text", "{% for i in 1..100000000 %}{% endfor %}x").status()).isEqualTo(422);
        // one big string referenced many times: joining it, or concatenating the list, would build it all at once
        String bigList = "{% set s = \"" + "y".repeat(1000) + "\" %}{% for i in [1,2,3,4,5,6,7,8,9] %}{% set s = s ~ s %}{% endfor %}"
                + "{% set l = [] %}{% for d in dependents %}{% set l = l + [s] %}{% endfor %}";
        var joined = put(org, "email_text", bigList + "{{ l | join(',') | length }}");
        assertThat(joined.status()).isEqualTo(422);
        assertThat(error(joined)).contains("delivery.template.max-rendered-chars");
        var concatenated = put(org, "email_text", bigList + "{{ (\"x\" ~ l) | length }}");
        assertThat(concatenated.status()).isEqualTo(422);
        assertThat(error(concatenated)).contains("not lists or maps");
    }

    @Test
    void aTemplateCheapOnTwoDependentsButCubicOnHundredsIsRefusedAtSave() {
        UUID org = newOrg();
        var r = put(org, "email_text", "{% for a in dependents %}{% for b in dependents %}{% for c in dependents %}{% endfor %}{% endfor %}{% endfor %}x");
        assertThat(r.status()).isEqualTo(422);
        assertThat(error(r)).contains("300 dependents").contains("render-timeout");
        // quadratic over 300 is 90,000 iterations: fine
        assertThat(put(org, "email_text", "{% for a in dependents %}{% for b in dependents %}{% endfor %}{% endfor %}x").status()).isEqualTo(200);
    }

    @Test
    void aRunawayTemplateFailsOnlyItsOwnRenderAndSuspendsOnlyItsOrganization() {
        UUID bad = newOrg();
        UUID good = newOrg();
        storeUnchecked(bad, "webhook_body", "{% macro m(n) %}{% if n > 0 %}{{ m(n - 1) }}{{ m(n - 1) }}{% endif %}{% endmacro %}{{ m(30) }}{}");
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> app.herald.renderer().render(TemplatesTest.contact(bad, Channel.WEBHOOK), "e", sample))
                .isInstanceOf(TemplateException.class).hasMessageContaining("webhook_body").hasMessageContaining("render-timeout");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2_000);
        assertThat(app.herald.templates().suspended(bad)).isTrue();
        long t1 = System.nanoTime();
        assertThatThrownBy(() -> app.herald.renderer().render(TemplatesTest.contact(bad, Channel.WEBHOOK), "e", sample))
                .hasMessageContaining("suspended");
        assertThat((System.nanoTime() - t1) / 1_000_000).as("a suspended organization's render fails at once").isLessThan(100);
        assertThat(app.herald.renderer().render(TemplatesTest.contact(good, Channel.WEBHOOK), "e", sample).webhookBody()).contains("Tower 7");
        assertThat(app.herald.templates().suspended(good)).isFalse();
        // saving a template (checked) lifts the suspension
        assertThat(put(bad, "webhook_body", "{\"ok\": true}").status()).isEqualTo(200);
        assertThat(app.herald.renderer().render(TemplatesTest.contact(bad, Channel.WEBHOOK), "e", sample).webhookBody()).isEqualTo("{\"ok\": true}");
    }

    @Test
    void aRunawayOrganizationHoldsOneRenderThreadNotAllWhetherDeliveringOrSaving() throws Exception {
        UUID bad = newOrg();
        UUID good = newOrg();
        storeUnchecked(bad, "webhook_body", "{% macro m(n) %}{% if n > 0 %}{{ m(n - 1) }}{{ m(n - 1) }}{% endif %}{% endmacro %}{{ m(40) }}{}");
        var runaway = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        try {
            for (int i = 0; i < 3; i++) { // three units of the runaway organization at once, as consumers would claim them
                runaway.submit(() -> app.herald.renderer().render(TemplatesTest.contact(bad, Channel.WEBHOOK), "e", sample));
            }
            for (int i = 0; i < 3; i++) { // and three saves of templates that run out of time, at once
                runaway.submit(() -> put(bad, "email_text", "{% macro m(n) %}{% if n > 0 %}{{ m(n - 1) }}{{ m(n - 1) }}{% endif %}{% endmacro %}{{ m(40) }}x"));
            }
            Thread.sleep(100); // the runaway render is under way
            long t0 = System.nanoTime();
            assertThat(app.herald.renderer().render(TemplatesTest.contact(good, Channel.WEBHOOK), "e", sample).webhookBody()).contains("Tower 7");
            assertThat((System.nanoTime() - t0) / 1_000_000).as("another organization's render did not wait for the runaway's budget")
                    .isLessThan(300);
        } finally {
            runaway.shutdown();
            assertThat(runaway.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aLargeButLegitimateContextStillRendersWithTheDefaults() {
        JsonNode wide = SampleContexts.widen(sample, 300);
        var m = app.herald.renderer().render(TemplatesTest.contact(app.orgId, Channel.EMAIL), "incident.updated", wide);
        assertThat(m.emailText()).contains("300 dependent record(s) are affected").contains("... and 280 more");
        assertThat(app.herald.renderer().render(TemplatesTest.contact(app.orgId, Channel.WEBHOOK), "e", wide).webhookBody()).contains("Asset 300");
    }
}
