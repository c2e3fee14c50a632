package dev.herald.testing;

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
 * A webhook receiver on loopback that can be down, hang or fail, for outage tests and the outage benchmark:
 * {@link #down} closes its port (connection refused), {@link #up} opens the same port again; while {@link #hang} is set
 * it holds every request open until {@link #release} (then answers it) or {@link #dropHeld} (then answers 503 and does
 * not take it, as a stuck receiver that is restarted loses what it held); {@link #status} is its answer otherwise. It
 * verifies every Standard Webhooks signature, counts requests and accepted deliveries per webhook-id (with the time of
 * the first acceptance), and records the most requests it ever held open at once. Thread-safe.
 */
public final class FaultyReceiver implements AutoCloseable {
    /** One accepted delivery: its webhook-id, its event type, its body, and its timestamp and signature headers. */
    public record Seen(String webhookId, String type, String body, String timestamp, String signature) {}

    public final Map<String, AtomicInteger> acceptedById = new ConcurrentHashMap<>();
    /** Epoch microseconds of each webhook-id's first acceptance. */
    public final Map<String, Long> firstAcceptedMicros = new ConcurrentHashMap<>();
    public final List<Seen> accepted = new CopyOnWriteArrayList<>();
    public final AtomicInteger requests = new AtomicInteger();
    public final AtomicInteger invalidSignatures = new AtomicInteger();
    public final AtomicInteger open = new AtomicInteger();
    public final AtomicInteger mostOpen = new AtomicInteger();
    public volatile int status = 200;
    private volatile CountDownLatch hang;
    private volatile boolean dropping;
    private volatile dev.herald.senders.WebhookVerifier verifier;
    private final int port;
    private HttpServer server;

    public FaultyReceiver(String secret) throws IOException {
        verifier = new dev.herald.senders.WebhookVerifier(secret);
        server = create(0);
        port = server.getAddress().getPort();
        server.start();
    }

    /** Verifies from now on with {@code key} (a whsec_ secret, or a whpk_ public key known only once the contact exists). */
    public void verifyWith(String key) {
        verifier = new dev.herald.senders.WebhookVerifier(key);
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
                boolean dropped = false;
                if (h != null) {
                    try {
                        h.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    dropped = dropping;
                }
                int answer = dropped ? 503 : status;
                if (answer / 100 == 2) {
                    java.time.Instant at = java.time.Instant.now();
                    firstAcceptedMicros.putIfAbsent(String.valueOf(id), at.getEpochSecond() * 1_000_000 + at.getNano() / 1000);
                    acceptedById.computeIfAbsent(String.valueOf(id), k -> new AtomicInteger()).incrementAndGet();
                    accepted.add(new Seen(id, type(body), body, ex.getRequestHeaders().getFirst("webhook-timestamp"),
                            ex.getRequestHeaders().getFirst("webhook-signature")));
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

    public String url() {
        return "http://127.0.0.1:" + port + "/hook";
    }

    /** Closes the port: sends are refused. */
    public synchronized void down() {
        server.stop(0);
    }

    /** Opens the same port again. */
    public synchronized void up() throws IOException {
        server = create(port);
        server.start();
    }

    /** From now on, holds every request open. */
    public void hang() {
        dropping = false;
        hang = new CountDownLatch(1);
    }

    /** Stops holding requests and answers the held ones as usual. */
    public void release() {
        CountDownLatch h = hang;
        hang = null;
        if (h != null) h.countDown();
    }

    /** Stops holding requests and drops the held ones (503, not taken). */
    public void dropHeld() {
        dropping = true;
        release();
    }

    /** Distinct webhook-ids accepted. */
    public int distinct() {
        return acceptedById.size();
    }

    /** Acceptances beyond the first of each webhook-id. */
    public long duplicates() {
        return acceptedById.values().stream().mapToInt(AtomicInteger::get).sum() - acceptedById.size();
    }

    /** Accepted deliveries whose body's {@code type} is {@code type}. */
    public long ofType(String type) {
        return accepted.stream().filter(s -> s.type().equals(type)).count();
    }

    @Override
    public synchronized void close() {
        release();
        server.stop(0);
    }
}
