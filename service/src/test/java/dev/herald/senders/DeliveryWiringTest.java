package dev.herald.senders;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.herald.contacts.Channel;
import dev.herald.contacts.ContactTarget;
import dev.herald.json.Json;
import dev.herald.templates.RenderedMessage;
import dev.herald.templates.Templates;
import dev.herald.testing.TestApp;
import dev.herald.testing.WebhookReceiver;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The delivery pieces as the pipeline uses them through {@code Herald}: contact from the API, render, send, verify. */
class DeliveryWiringTest {
    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort()).withPerMethodLifecycle(false);

    static TestApp app;
    static JsonNode sample;

    @BeforeAll
    static void start() throws Exception {
        app = TestApp.start(Map.of("delivery.allow-private-targets", "true",
                "delivery.smtp.host", "127.0.0.1", "delivery.smtp.port", Integer.toString(greenMail.getSmtp().getPort())));
        sample = Json.mapper().readTree(Templates.class.getResourceAsStream("defaults/sample-context.json"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void aWebhookContactCreatedThroughTheApiReceivesAVerifiedRenderedMessage() {
        // A generated secret (shown once) is what the receiver verifies with.
        var created = app.post("/organizations/" + app.orgId + "/contacts", app.orgKey,
                Map.of("channel", "webhook", "target", "http://127.0.0.1:1/placeholder"));
        String secret = created.body().path("secret").asText();
        try (WebhookReceiver receiver = WebhookReceiver.start(secret)) {
            var c = app.post("/organizations/" + app.orgId + "/contacts", app.orgKey,
                    Map.of("channel", "webhook", "target", receiver.url(), "secret", secret));
            UUID id = UUID.fromString(c.body().path("id").asText());
            ContactTarget target = new ContactTarget(id, app.orgId, Channel.WEBHOOK, receiver.url(), secret, null);
            RenderedMessage msg = app.herald.renderer().render(target, "incident.opened", sample);
            UUID delivery = UUID.randomUUID();

            assertThat(Outcomes.plain(app.herald.sender().send(target, delivery, 1, msg))).isEqualTo(new SendOutcome.Delivered(200));
            assertThat(receiver.lastValid().body()).isEqualTo(msg.webhookBody());
            assertThat(receiver.acceptedCount(delivery.toString())).isEqualTo(1);
            assertThat(app.herald.metrics().scrape()).contains("herald_delivery_send_seconds_count{channel=\"webhook\",outcome=\"delivered\"}");

            receiver.script(WebhookReceiver.Reply.status(410));
            SendOutcome gone = app.herald.sender().send(target, UUID.randomUUID(), 1, msg);
            assertThat(gone).isInstanceOf(SendOutcome.Disable.class);
            app.herald.contacts().disable(id, ((SendOutcome.Disable) gone).reason());
            assertThat(app.get("/organizations/" + app.orgId + "/contacts/" + id, app.orgKey).body().path("disabled").asBoolean()).isTrue();
        }
    }

    @Test
    void anEmailContactReceivesTheRenderedEmail() throws Exception {
        var c = app.post("/organizations/" + app.orgId + "/contacts", app.orgKey, Map.of("channel", "email", "target", "noc@example.com"));
        ContactTarget target = new ContactTarget(UUID.fromString(c.body().path("id").asText()), app.orgId, Channel.EMAIL, "noc@example.com", null, null);
        RenderedMessage msg = app.herald.renderer().render(target, "incident.updated", sample);
        assertThat(Outcomes.plain(app.herald.sender().send(target, UUID.randomUUID(), 1, msg))).isEqualTo(new SendOutcome.Delivered(250));
        assertThat(greenMail.getReceivedMessages()).hasSize(1);
        assertThat(greenMail.getReceivedMessages()[0].getSubject()).isEqualTo(msg.emailSubject());
    }
}
