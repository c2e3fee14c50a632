package dev.herald.senders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.config.HeraldConfig;
import dev.herald.contacts.Channel;
import dev.herald.contacts.ContactTarget;
import dev.herald.contacts.WebhookSecrets;
import dev.herald.templates.RenderedMessage;
import dev.herald.testing.WebhookReceiver;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The webhook channel against a real receiver on loopback. */
class WebhookSenderTest {
    static final String SECRET = WebhookSecrets.generate();
    static final RenderedMessage MESSAGE = new RenderedMessage("{\"type\":\"incident.opened\",\"title\":\"Grüße \\\"quoted\\\"\"}", null, null, null);

    final MutableClock clock = MutableClock.startingNow();
    final WebhookReceiver receiver = WebhookReceiver.start(SECRET);
    final WebhookSender sender = new WebhookSender(config("2s"), clock);

    static WebhookSettings config(String requestTimeout) {
        return WebhookSettings.from(HeraldConfig.defaults(Map.of("delivery.webhook.request-timeout", requestTimeout,
                "delivery.webhook.connect-timeout", "2s", "delivery.allow-private-targets", "true")));
    }

    static ContactTarget contact(String url) {
        return new ContactTarget(UUID.randomUUID(), UUID.randomUUID(), Channel.WEBHOOK, url, SECRET, null);
    }

    @AfterEach
    void close() {
        receiver.close();
    }

    @Test
    void signedRequestVerifiesAtTheReceiverWithTheDeliveryIdAsWebhookId() {
        UUID delivery = UUID.randomUUID();
        SendOutcome out = sender.send(contact(receiver.url()), delivery, 1, MESSAGE);

        assertThat(Outcomes.plain(out)).isEqualTo(new SendOutcome.Delivered(200));
        WebhookReceiver.Received r = receiver.lastValid();
        assertThat(r.signatureValid()).isTrue();
        assertThat(r.headers()).containsEntry("webhook-id", delivery.toString())
                .containsEntry("webhook-timestamp", Long.toString(clock.instant().getEpochSecond()));
        assertThat(r.headers().get("content-type")).startsWith("application/json");
        assertThat(r.body()).isEqualTo(MESSAGE.webhookBody());
        assertThat(receiver.invalidSignatures()).isZero();
    }

    @Test
    void eachAttemptIsSignedAfreshWithItsOwnTimestampAndTheSameId() {
        UUID delivery = UUID.randomUUID();
        receiver.script(WebhookReceiver.Reply.status(500));
        ContactTarget c = contact(receiver.url());
        assertThat(sender.send(c, delivery, 1, MESSAGE)).isInstanceOf(SendOutcome.Retry.class);
        String firstTs = receiver.lastValid().headers().get("webhook-timestamp");
        String firstSig = receiver.lastValid().headers().get("webhook-signature");
        clock.advance(Duration.ofMinutes(3));
        assertThat(Outcomes.plain(sender.send(c, delivery, 2, MESSAGE))).isEqualTo(new SendOutcome.Delivered(200));
        var second = receiver.lastValid();
        assertThat(second.headers().get("webhook-id")).isEqualTo(delivery.toString());
        assertThat(Long.parseLong(second.headers().get("webhook-timestamp"))).isEqualTo(Long.parseLong(firstTs) + 180);
        assertThat(second.headers().get("webhook-signature")).isNotEqualTo(firstSig);
        assertThat(receiver.acceptedCount(delivery.toString())).isEqualTo(1);
        assertThat(receiver.duplicates()).isZero();
    }

    @Test
    void aReceiverWithAnotherSecretRejectsTheRequest() {
        try (WebhookReceiver other = WebhookReceiver.start(WebhookSecrets.generate())) {
            SendOutcome out = sender.send(contact(other.url()), UUID.randomUUID(), 1, MESSAGE);
            assertThat(out).isInstanceOf(SendOutcome.Failed.class);
            assertThat(((SendOutcome.Failed) out).reason()).contains("401");
            assertThat(other.invalidSignatures()).isEqualTo(1);
            assertThat(other.last().verificationError()).contains("no v1 signature");
        }
    }

    @Test
    void oneReceiverCanVerifySeveralContactsSecretsAndShowsWhatItGot() {
        String second = WebhookSecrets.generate();
        receiver.accept(second);
        ContactTarget other = new ContactTarget(UUID.randomUUID(), UUID.randomUUID(), Channel.WEBHOOK, receiver.url(), second, null);
        UUID delivery = UUID.randomUUID();
        assertThat(Outcomes.plain(sender.send(other, delivery, 1, MESSAGE))).isEqualTo(new SendOutcome.Delivered(200));
        assertThat(Outcomes.plain(sender.send(contact(receiver.url()), UUID.randomUUID(), 1, MESSAGE))).isEqualTo(new SendOutcome.Delivered(200));
        assertThat(receiver.invalidSignatures()).isZero();
        String shown = receiver.lastValid().format();
        assertThat(shown).contains("POST /hooks").contains("webhook-signature: v1,").contains("signature verified").contains("\"type\" : \"incident.opened\"");
    }

    @Test
    void statusesAreClassified() {
        String httpDate = DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().plusSeconds(90).atZone(ZoneOffset.UTC));
        receiver.script(
                WebhookReceiver.Reply.status(500),
                WebhookReceiver.Reply.retryAfter(503, "7"),
                WebhookReceiver.Reply.retryAfter(429, httpDate),
                WebhookReceiver.Reply.retryAfter(429, "not a date"),
                WebhookReceiver.Reply.status(410),
                WebhookReceiver.Reply.status(404),
                WebhookReceiver.Reply.status(400),
                WebhookReceiver.Reply.status(302),
                WebhookReceiver.Reply.status(204),
                WebhookReceiver.Reply.status(202));
        ContactTarget c = contact(receiver.url());
        List<SendOutcome> outs = new ArrayList<>();
        for (int i = 0; i < 10; i++) outs.add(sender.send(c, UUID.randomUUID(), 1, MESSAGE));

        assertThat(outs.get(0)).isInstanceOfSatisfying(SendOutcome.Retry.class, r -> {
            assertThat(r.retryAfter()).isNull();
            assertThat(r.reason()).contains("500");
        });
        assertThat(outs.get(1)).isInstanceOfSatisfying(SendOutcome.Retry.class, r -> assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(7)));
        assertThat(outs.get(2)).isInstanceOfSatisfying(SendOutcome.Retry.class, r -> assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(90)));
        assertThat(outs.get(3)).isInstanceOfSatisfying(SendOutcome.Retry.class, r -> assertThat(r.retryAfter()).isNull());
        assertThat(outs.get(4)).isInstanceOfSatisfying(SendOutcome.Disable.class, d -> assertThat(d.reason()).contains("410"));
        assertThat(outs.get(5)).isInstanceOfSatisfying(SendOutcome.Failed.class, f -> assertThat(f.reason()).contains("404"));
        assertThat(outs.get(6)).isInstanceOf(SendOutcome.Failed.class);
        assertThat(outs.get(7)).isInstanceOf(SendOutcome.Failed.class);
        assertThat(Outcomes.plain(outs.get(8))).isEqualTo(new SendOutcome.Delivered(204));
        assertThat(Outcomes.plain(outs.get(9))).isEqualTo(new SendOutcome.Delivered(202));
    }

    @Test
    void retryAfterIsCappedByConfiguration() {
        WebhookSender capped = new WebhookSender(WebhookSettings.from(HeraldConfig.defaults(Map.of("delivery.retry-after-max", "60s",
                "delivery.allow-private-targets", "true"))), clock);
        receiver.script(WebhookReceiver.Reply.retryAfter(503, "86400"));
        SendOutcome out = capped.send(contact(receiver.url()), UUID.randomUUID(), 1, MESSAGE);
        assertThat(out).isInstanceOfSatisfying(SendOutcome.Retry.class, r -> assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(60)));
    }

    @Test
    void aHangingReceiverIsCutOffAndRetriedWithoutStallingOtherSends() throws Exception {
        WebhookSender quick = new WebhookSender(config("300ms"), clock);
        receiver.script(WebhookReceiver.Reply.hang());
        ContactTarget c = contact(receiver.url());
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<SendOutcome> hung = pool.submit(() -> quick.send(c, UUID.randomUUID(), 1, MESSAGE));
            await("the hanging request is in flight").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                    .until(() -> receiver.requests() >= 1);
            SendOutcome meanwhile = quick.send(c, UUID.randomUUID(), 1, MESSAGE);
            assertThat(Outcomes.plain(meanwhile)).isEqualTo(new SendOutcome.Delivered(200));
            assertThat(hung.get()).isInstanceOfSatisfying(SendOutcome.Retry.class, r -> assertThat(r.reason()).contains("timed out"));
        }
    }

    @Test
    void privateTargetsAreRefusedAtSendTimeUnlessAllowed() {
        WebhookSender strict = new WebhookSender(WebhookSettings.from(HeraldConfig.defaults(Map.of())), clock);
        SendOutcome out = strict.send(contact(receiver.url()), UUID.randomUUID(), 1, MESSAGE);
        assertThat(out).isInstanceOfSatisfying(SendOutcome.Failed.class, f -> assertThat(f.reason()).contains("non-public"));
        assertThat(receiver.requests()).isZero();
    }

    @Test
    void connectionRefusedIsRetried() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        SendOutcome out = sender.send(contact("http://127.0.0.1:" + port + "/hooks"), UUID.randomUUID(), 1, MESSAGE);
        assertThat(out).isInstanceOfSatisfying(SendOutcome.Retry.class, r -> assertThat(r.reason()).contains("connect"));
    }

    @Test
    void staticHeadersAreSent() throws Exception {
        var auth = dev.herald.json.Json.mapper().readTree("{\"type\":\"headers\",\"headers\":{\"X-Api-Key\":\"k-123\"}}");
        ContactTarget c = new ContactTarget(UUID.randomUUID(), UUID.randomUUID(), Channel.WEBHOOK, receiver.url(), SECRET, auth);
        assertThat(Outcomes.plain(sender.send(c, UUID.randomUUID(), 1, MESSAGE))).isEqualTo(new SendOutcome.Delivered(200));
        assertThat(receiver.lastValid().headers()).containsEntry("x-api-key", "k-123");
    }

    @Test
    void missingBodyOrMisconfiguredContactFailsWithoutSending() {
        assertThat(sender.send(contact(receiver.url()), UUID.randomUUID(), 1, new RenderedMessage(null, "s", "t", "h")))
                .isInstanceOf(SendOutcome.Failed.class);
        ContactTarget bad = new ContactTarget(UUID.randomUUID(), UUID.randomUUID(), Channel.WEBHOOK, receiver.url(), "whsec_short", null);
        assertThat(sender.send(bad, UUID.randomUUID(), 1, MESSAGE)).isInstanceOfSatisfying(SendOutcome.Failed.class,
                f -> assertThat(f.reason()).contains("misconfigured").doesNotContain("whsec_short"));
        assertThat(receiver.requests()).isZero();
    }
}
