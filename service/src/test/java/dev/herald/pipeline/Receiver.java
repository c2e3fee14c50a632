package dev.herald.pipeline;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP webhook receiver on a free loopback port. Each path behaves as told: {@code /ok} answers 200,
 * {@code /flaky} 500 to the first request of each webhook-id and 200 after, {@code /gone} 410, {@code /fail} 500,
 * {@code /hang} never answers in time, {@code /slow} answers 200 after {@link #slowMillis}. Counts every request per
 * webhook-id, verifies every Standard Webhooks signature (with {@link Fixtures#SECRET}) and records the requests it
 * answered 2xx.
 */
final class Receiver implements AutoCloseable {
    record Seen(String path, String webhookId, String body, int status) {}

    final Map<String, AtomicInteger> requestsById = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> acceptedById = new ConcurrentHashMap<>();
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    volatile long slowMillis = 100;
    final AtomicInteger invalidSignatures = new AtomicInteger();
    private final dev.herald.senders.WebhookVerifier verifier = new dev.herald.senders.WebhookVerifier(Fixtures.SECRET);
    private final HttpServer server;

    Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            String id = ex.getRequestHeaders().getFirst("webhook-id");
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (!verifier.isValid(id, ex.getRequestHeaders().getFirst("webhook-timestamp"),
                    ex.getRequestHeaders().getFirst("webhook-signature"), body)) {
                invalidSignatures.incrementAndGet();
            }
            int n = requestsById.computeIfAbsent(String.valueOf(id), k -> new AtomicInteger()).incrementAndGet();
            int status = switch (path) {
                case "/flaky" -> n == 1 ? 500 : 200;
                case "/gone" -> 410;
                case "/fail" -> 500;
                case "/hang" -> {
                    sleep(60_000);
                    yield 200;
                }
                case "/slow" -> {
                    sleep(slowMillis);
                    yield 200;
                }
                default -> 200;
            };
            if (status / 100 == 2) acceptedById.computeIfAbsent(String.valueOf(id), k -> new AtomicInteger()).incrementAndGet();
            seen.add(new Seen(path, id, body, status));
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    int accepted() {
        return acceptedById.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
