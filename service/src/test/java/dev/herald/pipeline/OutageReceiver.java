package dev.herald.pipeline;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver that can be down: {@link #down} closes its port (connection refused), {@link #up} opens the same
 * port again. While {@link #hang} is set it holds every request open until {@link #release} (or 60 s). It verifies every
 * Standard Webhooks signature ({@link Fixtures#SECRET}), counts requests and accepted deliveries per webhook-id, and
 * records the most requests it ever held open at once.
 */
final class OutageReceiver implements AutoCloseable {
    record Seen(String webhookId, String type, String body) {}

    final Map<String, AtomicInteger> acceptedById = new ConcurrentHashMap<>();
    final List<Seen> accepted = new CopyOnWriteArrayList<>();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger invalidSignatures = new AtomicInteger();
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger mostOpen = new AtomicInteger();
    volatile int status = 200;
    private volatile CountDownLatch hang;
    private final dev.herald.senders.WebhookVerifier verifier = new dev.herald.senders.WebhookVerifier(Fixtures.SECRET);
    private final int port;
    private HttpServer server;

    OutageReceiver() throws IOException {
        server = create(0);
        port = server.getAddress().getPort();
        server.start();
    }

    private HttpServer create(int onPort) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", onPort), 200);
        s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        s.createContext("/", ex -> {
            int now = open.incrementAndGet();
            mostOpen.accumulateAndGet(now, Math::max);
            try {
                requests.incrementAndGet();
                String id = ex.getRequestHeaders().getFirst("webhook-id");
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                if (!verifier.isValid(id, ex.getRequestHeaders().getFirst("webhook-timestamp"),
                        ex.getRequestHeaders().getFirst("webhook-signature"), body)) {
                    invalidSignatures.incrementAndGet();
                }
                CountDownLatch h = hang;
                if (h != null) {
                    try {
                        h.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                int answer = status;
                if (answer / 100 == 2) {
                    acceptedById.computeIfAbsent(String.valueOf(id), k -> new AtomicInteger()).incrementAndGet();
                    accepted.add(new Seen(id, type(body), body));
                }
                byte[] reply = ("{\"seen\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(answer, reply.length);
                ex.getResponseBody().write(reply);
            } finally {
                open.decrementAndGet();
                ex.close();
            }
        });
        return s;
    }

    private static String type(String body) {
        try {
            return dev.herald.json.Json.mapper().readTree(body).path("type").asText();
        } catch (IOException e) {
            return "";
        }
    }

    String url() {
        return "http://127.0.0.1:" + port + "/hook";
    }

    /** Closes the port: sends are refused. */
    synchronized void down() {
        server.stop(0);
    }

    /** Opens the same port again. */
    synchronized void up() throws IOException {
        server = create(port);
        server.start();
    }

    void hang() {
        hang = new CountDownLatch(1);
    }

    void release() {
        CountDownLatch h = hang;
        hang = null;
        if (h != null) h.countDown();
    }

    int distinct() {
        return acceptedById.size();
    }

    long duplicates() {
        return acceptedById.values().stream().mapToInt(AtomicInteger::get).sum() - acceptedById.size();
    }

    long ofType(String type) {
        return accepted.stream().filter(s -> s.type().equals(type)).count();
    }

    @Override
    public synchronized void close() {
        release();
        server.stop(0);
    }
}
