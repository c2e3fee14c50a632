package dev.herald.senders;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.herald.config.HeraldConfig;
import dev.herald.contacts.Channel;
import dev.herald.contacts.ContactTarget;
import dev.herald.contacts.WebhookSecrets;
import dev.herald.json.Json;
import dev.herald.templates.RenderedMessage;
import dev.herald.testing.WebhookReceiver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** OAuth2 client credentials against a real token endpoint on loopback that counts its requests. */
class OAuthTokenTest {
    static final String SECRET = WebhookSecrets.generate();
    static final RenderedMessage MESSAGE = new RenderedMessage("{\"n\":1}", null, null, null);

    final MutableClock clock = MutableClock.startingNow();
    final AtomicInteger tokenRequests = new AtomicInteger();
    final List<String> forms = new ArrayList<>();
    HttpServer tokenServer;
    WebhookReceiver receiver;
    WebhookSender sender;

    @BeforeEach
    void start() throws Exception {
        tokenServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        tokenServer.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        tokenServer.createContext("/token", ex -> {
            String form = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            String expected = "Basic " + Base64.getEncoder().encodeToString("herald:s3cret".getBytes(StandardCharsets.UTF_8));
            byte[] body;
            int status;
            if (expected.equals(auth) && form.contains("grant_type=client_credentials")) {
                int n = tokenRequests.incrementAndGet();
                synchronized (forms) {
                    forms.add(form);
                }
                try {
                    Thread.sleep(50); // a slow token endpoint makes concurrent senders overlap
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                status = 200;
                body = ("{\"access_token\":\"tok-" + n + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}").getBytes(StandardCharsets.UTF_8);
            } else {
                status = 401;
                body = "{\"error\":\"invalid_client\"}".getBytes(StandardCharsets.UTF_8);
            }
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        tokenServer.start();
        receiver = WebhookReceiver.start(new WebhookVerifier(SECRET, clock, WebhookVerifier.DEFAULT_TOLERANCE));
        sender = new WebhookSender(WebhookSettings.from(HeraldConfig.defaults(Map.of("delivery.oauth.refresh-margin", "60s",
                "delivery.allow-private-targets", "true"))), clock);
    }

    @AfterEach
    void stop() {
        receiver.close();
        tokenServer.stop(0);
    }

    ContactTarget contact(UUID id, String clientSecret) throws Exception {
        JsonNode auth = Json.mapper().readTree("{\"type\":\"oauth2\",\"token_url\":\"http://127.0.0.1:" + tokenServer.getAddress().getPort()
                + "/token\",\"client_id\":\"herald\",\"client_secret\":\"" + clientSecret + "\",\"scope\":\"hooks:write\"}");
        return new ContactTarget(id, UUID.randomUUID(), Channel.WEBHOOK, receiver.url(), SECRET, auth);
    }

    @Test
    void oneTokenServesManyConcurrentSendsAndIsRefreshedBeforeItExpires() throws Exception {
        ContactTarget c = contact(UUID.randomUUID(), "s3cret");
        List<Future<SendOutcome>> outs = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 40; i++) outs.add(pool.submit(() -> sender.send(c, UUID.randomUUID(), 1, MESSAGE)));
            for (Future<SendOutcome> f : outs) assertThat(Outcomes.plain(f.get())).isEqualTo(new SendOutcome.Delivered(200));
        }
        assertThat(tokenRequests.get()).isEqualTo(1);
        assertThat(forms.get(0)).contains("scope=hooks%3Awrite");
        assertThat(receiver.lastValid().headers()).containsEntry("authorization", "Bearer tok-1");
        assertThat(receiver.distinctAccepted()).isEqualTo(40);

        clock.advance(Duration.ofSeconds(3600 - 61)); // still before the refresh margin
        assertThat(Outcomes.plain(sender.send(c, UUID.randomUUID(), 1, MESSAGE))).isEqualTo(new SendOutcome.Delivered(200));
        assertThat(tokenRequests.get()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(2)); // inside the margin: fetched anew
        assertThat(Outcomes.plain(sender.send(c, UUID.randomUUID(), 1, MESSAGE))).isEqualTo(new SendOutcome.Delivered(200));
        assertThat(tokenRequests.get()).isEqualTo(2);
        assertThat(receiver.lastValid().headers()).containsEntry("authorization", "Bearer tok-2");
    }

    @Test
    void noSecretOrTokenReachesTheLogs() throws Exception {
        var root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var herald = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.herald");
        var appender = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        appender.start();
        root.addAppender(appender);
        var level = herald.getLevel();
        herald.setLevel(ch.qos.logback.classic.Level.TRACE);
        try {
            ContactTarget c = contact(UUID.randomUUID(), "s3cret");
            receiver.script(WebhookReceiver.Reply.status(500), WebhookReceiver.Reply.status(401));
            for (int i = 0; i < 3; i++) sender.send(c, UUID.randomUUID(), i + 1, MESSAGE);
            sender.send(contact(UUID.randomUUID(), "wrong-secret"), UUID.randomUUID(), 1, MESSAGE);
        } finally {
            herald.setLevel(level);
            root.detachAppender(appender);
        }
        assertThat(appender.list).isNotEmpty();
        for (var e : appender.list) {
            String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage());
            assertThat(line).doesNotContain("s3cret").doesNotContain("wrong-secret").doesNotContain("tok-")
                    .doesNotContain(SECRET.substring(6, 20));
        }
    }

    @Test
    void eachContactHasItsOwnToken() throws Exception {
        sender.send(contact(UUID.randomUUID(), "s3cret"), UUID.randomUUID(), 1, MESSAGE);
        sender.send(contact(UUID.randomUUID(), "s3cret"), UUID.randomUUID(), 1, MESSAGE);
        assertThat(tokenRequests.get()).isEqualTo(2);
    }

    @Test
    void aRejectedTokenIsDroppedAndTheRetryFetchesANewOne() throws Exception {
        ContactTarget c = contact(UUID.randomUUID(), "s3cret");
        receiver.script(WebhookReceiver.Reply.status(401));
        assertThat(sender.send(c, UUID.randomUUID(), 1, MESSAGE)).isInstanceOfSatisfying(SendOutcome.Retry.class,
                r -> assertThat(r.reason()).contains("401").contains("token"));
        assertThat(Outcomes.plain(sender.send(c, UUID.randomUUID(), 2, MESSAGE))).isEqualTo(new SendOutcome.Delivered(200));
        assertThat(tokenRequests.get()).isEqualTo(2);
        assertThat(receiver.lastValid().headers()).containsEntry("authorization", "Bearer tok-2");
    }

    @Test
    void refusedClientCredentialsFailWithoutReachingTheReceiverOrLeakingTheSecret() throws Exception {
        SendOutcome out = sender.send(contact(UUID.randomUUID(), "wrong-secret"), UUID.randomUUID(), 1, MESSAGE);
        assertThat(out).isInstanceOfSatisfying(SendOutcome.Failed.class,
                f -> assertThat(f.reason()).contains("401").doesNotContain("wrong-secret"));
        assertThat(receiver.requests()).isZero();
    }
}
