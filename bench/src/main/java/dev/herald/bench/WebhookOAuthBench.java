package dev.herald.bench;

import com.sun.net.httpserver.HttpServer;
import dev.herald.config.HeraldConfig;
import dev.herald.contacts.Channel;
import dev.herald.contacts.ContactTarget;
import dev.herald.contacts.WebhookSecrets;
import dev.herald.json.Json;
import dev.herald.senders.SendOutcome;
import dev.herald.senders.WebhookSender;
import dev.herald.senders.WebhookSettings;
import dev.herald.templates.RenderedMessage;
import dev.herald.testing.WebhookReceiver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Webhook sends with OAuth2 outbound auth, offered at a fixed rate to a real loopback receiver and token endpoint:
 * Herald's sender (token fetched once, cached until shortly before expiry, single-flight) against the earlier system's
 * way (a token fetched for every message). Latency is measured from each send's scheduled start.
 */
@Command(name = "webhook-oauth", mixinStandardHelpOptions = true,
        description = "Webhook send latency with an OAuth2 token cached (Herald) vs fetched per message (baseline).")
public final class WebhookOAuthBench implements Runnable {
    @Option(names = "--messages", defaultValue = "2000", description = "Messages per variant (default ${DEFAULT-VALUE}).")
    int messages;

    @Option(names = "--rate", defaultValue = "200", description = "Offered sends per second (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--token-latency-ms", defaultValue = "20", description = "Time the token endpoint takes per request (default ${DEFAULT-VALUE}).")
    int tokenLatencyMs;

    private final AtomicLong tokenRequests = new AtomicLong();
    private final AtomicInteger tokenSeq = new AtomicInteger();

    private record Result(String label, Histogram latencyUs, long delivered, long tokenRequests, double seconds) {}

    @Override
    public void run() {
        if (messages < 1 || rate < 1 || tokenLatencyMs < 0) throw new IllegalArgumentException("--messages and --rate must be positive");
        String secret = WebhookSecrets.generate();
        HttpServer tokens = tokenEndpoint();
        try (WebhookReceiver receiver = WebhookReceiver.start(secret)) {
            String tokenUrl = "http://127.0.0.1:" + tokens.getAddress().getPort() + "/token";
            HeraldConfig config = HeraldConfig.defaults(Map.of("delivery.allow-private-targets", "true"));
            WebhookSender sender = new WebhookSender(WebhookSettings.from(config));
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            ContactTarget cached = new ContactTarget(UUID.randomUUID(), UUID.randomUUID(), Channel.WEBHOOK, receiver.url(), secret,
                    Json.mapper().valueToTree(Map.of("type", "oauth2", "token_url", tokenUrl, "client_id", "bench", "client_secret", "bench-secret")));
            RenderedMessage msg = new RenderedMessage("{\"type\":\"incident.updated\",\"data\":{\"incident\":{\"id\":\"" + UUID.randomUUID() + "\"}}}", null, null, null);

            Sends herald = () -> sender.send(cached, UUID.randomUUID(), 1, msg);
            Sends perMessage = () -> {
                String token = fetchToken(client, tokenUrl);
                ContactTarget withFresh = new ContactTarget(cached.id(), cached.organizationId(), Channel.WEBHOOK, receiver.url(), secret,
                        Json.mapper().valueToTree(Map.of("type", "headers", "headers", Map.of("Authorization", "Bearer " + token))));
                return sender.send(withFresh, UUID.randomUUID(), 1, msg);
            };
            offer("warm-up", Math.min(200, messages), herald);
            offer("warm-up", Math.min(200, messages), perMessage);

            // A contact not seen in the warm-up, so the measured run includes its one token fetch.
            ContactTarget fresh = new ContactTarget(UUID.randomUUID(), cached.organizationId(), Channel.WEBHOOK, receiver.url(), secret, cached.outboundAuth());
            List<Result> results = List.of(offer("baseline: token fetched per message", messages, perMessage),
                    offer("herald: token cached, single-flight", messages, () -> sender.send(fresh, UUID.randomUUID(), 1, msg)));
            BenchReport report = new BenchReport("webhook-oauth")
                    .header("variant", "messages", "delivered", "token requests", "p50 ms", "p99 ms", "max ms", "sends/s");
            var arr = report.json().putArray("results");
            for (Result r : results) {
                report.row(r.label(), Long.toString(messages), Long.toString(r.delivered()), Long.toString(r.tokenRequests()),
                        BenchReport.ms(BenchReport.pctMs(r.latencyUs(), 50)), BenchReport.ms(BenchReport.pctMs(r.latencyUs(), 99)),
                        BenchReport.ms(r.latencyUs().getMaxValue() / 1000.0), String.format("%.0f", r.delivered() / r.seconds()));
                arr.addObject().put("variant", r.label()).put("messages", messages).put("delivered", r.delivered())
                        .put("token_requests", r.tokenRequests()).put("p50_ms", BenchReport.pctMs(r.latencyUs(), 50))
                        .put("p99_ms", BenchReport.pctMs(r.latencyUs(), 99)).put("max_ms", r.latencyUs().getMaxValue() / 1000.0)
                        .put("sends_per_second", r.delivered() / r.seconds());
            }
            report.json().put("offered_rate_per_second", rate).put("token_latency_ms", tokenLatencyMs)
                    .put("receiver_duplicates", receiver.duplicates()).put("receiver_invalid_signatures", receiver.invalidSignatures());
            System.out.printf("offered %d sends/s; token endpoint takes %d ms; receiver saw %d invalid signatures, %d duplicates%n",
                    rate, tokenLatencyMs, receiver.invalidSignatures(), receiver.duplicates());
            report.finish();
        } finally {
            tokens.stop(0);
        }
    }

    @FunctionalInterface
    private interface Sends {
        SendOutcome send() throws Exception;
    }

    /** Offers {@code n} sends at the configured rate (open loop) and records each one's latency from its scheduled start. */
    private Result offer(String label, int n, Sends sends) {
        Histogram h = new Histogram(3_600_000_000L, 3);
        long tokensBefore = tokenRequests.get();
        long intervalNs = 1_000_000_000L / rate;
        AtomicLong delivered = new AtomicLong();
        long t0 = System.nanoTime();
        List<Future<?>> all = new ArrayList<>(n);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                long scheduled = t0 + i * intervalNs;
                long wait = scheduled - System.nanoTime();
                if (wait > 0) LockSupport.parkNanos(wait);
                all.add(pool.submit(() -> {
                    SendOutcome out = sends.send();
                    long us = (System.nanoTime() - scheduled) / 1000;
                    synchronized (h) {
                        h.recordValue(Math.max(1, us));
                    }
                    if (out instanceof SendOutcome.Delivered) delivered.incrementAndGet();
                    return null;
                }));
            }
            for (Future<?> f : all) f.get();
        } catch (Exception e) {
            throw new IllegalStateException(label + " failed: " + e, e);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Result(label, h, delivered.get(), tokenRequests.get() - tokensBefore, seconds);
    }

    private HttpServer tokenEndpoint() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            s.createContext("/token", ex -> {
                ex.getRequestBody().readAllBytes();
                tokenRequests.incrementAndGet();
                try {
                    Thread.sleep(tokenLatencyMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                byte[] body = ("{\"access_token\":\"t" + tokenSeq.incrementAndGet() + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}")
                        .getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            s.start();
            return s;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String fetchToken(HttpClient client, String url) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(), HttpResponse.BodyHandlers.ofString());
        return Json.mapper().readTree(r.body()).path("access_token").asText();
    }
}
