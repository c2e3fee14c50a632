package dev.herald.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.herald.json.Json;
import dev.herald.senders.WebhookVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's webhook endpoint: verifies each request's Standard Webhooks signature (401 when it fails), answers 503 to
 * the first {@code failFirst} verified requests so the demo shows a retry, then 200; counts distinct and repeated
 * {@code webhook-id}s and keeps the last verified request as text. The tests and benchmarks use a scriptable receiver
 * of their own. Thread-safe; close it to free the port.
 */
final class DemoReceiver implements AutoCloseable {
    private static final Set<String> SHOWN_HEADERS = Set.of("webhook-id", "webhook-timestamp", "webhook-signature", "content-type", "user-agent");

    private final WebhookVerifier verifier;
    private final HttpServer server;
    private final AtomicInteger failuresLeft;
    private final Set<String> ids = ConcurrentHashMap.newKeySet();
    private final java.util.Queue<String> arrivals = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong invalid = new AtomicLong();
    private volatile String lastValid;
    /** The first accepted request of each event type, as text. */
    private final java.util.Map<String, String> firstOfType = new ConcurrentHashMap<>();

    DemoReceiver(String secret, int failFirst) {
        this.verifier = new WebhookVerifier(secret);
        this.failuresLeft = new AtomicInteger(failFirst);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the demo's webhook receiver", e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    String url() { return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks"; }

    int distinctAccepted() { return ids.size(); }

    long duplicates() { return accepted.get() - ids.size(); }

    long invalidSignatures() { return invalid.get(); }

    /** The webhook-id of every accepted request, in arrival order, repeats included (the backup drill compares phases). */
    java.util.List<String> arrivals() { return java.util.List.copyOf(arrivals); }

    /** The first accepted request of event {@code type} as text, waiting up to {@code wait}; null when none came. */
    String awaitFirst(String type, java.time.Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            String t = firstOfType.get(type);
            if (t != null) return t;
            Thread.sleep(50);
        }
        return firstOfType.get(type);
    }

    /** The last verified request as text (request line, webhook headers, pretty body), or null before any. */
    String lastValid() { return lastValid; }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            var h = ex.getRequestHeaders();
            try {
                verifier.verify(h.getFirst("webhook-id"), h.getFirst("webhook-timestamp"), h.getFirst("webhook-signature"), body);
            } catch (WebhookVerifier.VerificationException e) {
                invalid.incrementAndGet();
                ex.sendResponseHeaders(401, -1);
                return;
            }
            StringBuilder text = new StringBuilder(ex.getRequestMethod()).append(' ').append(ex.getRequestURI().getPath()).append('\n');
            h.forEach((k, v) -> {
                if (SHOWN_HEADERS.contains(k.toLowerCase(java.util.Locale.ROOT))) text.append(k.toLowerCase(java.util.Locale.ROOT)).append(": ").append(v.get(0)).append('\n');
            });
            text.append('\n').append(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(Json.mapper().readTree(body)));
            lastValid = text.append("\nsignature verified\n").toString();
            if (failuresLeft.getAndDecrement() > 0) {
                ex.sendResponseHeaders(503, -1);
                return;
            }
            firstOfType.putIfAbsent(Json.mapper().readTree(body).path("type").asText(), lastValid);
            accepted.incrementAndGet();
            ids.add(h.getFirst("webhook-id"));
            arrivals.add(h.getFirst("webhook-id"));
            ex.sendResponseHeaders(200, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
