package dev.herald.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.herald.senders.WebhookVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local webhook endpoint for tests, {@code ./herald demo} and benchmarks: an HTTP server on 127.0.0.1 with a free
 * port that verifies every request's Standard Webhooks signature with the contact's secret (a request that fails
 * verification is answered 401 and counted as invalid), counts each {@code webhook-id} it accepted (so duplicates are
 * visible), can be scripted to answer a sequence of replies (e.g. 500 then 200, 410, or hang) before answering 200,
 * and remembers the last request it received. Thread-safe; close it to free the port and end any hanging replies.
 */
public final class WebhookReceiver implements AutoCloseable {
    /** One scripted answer. */
    public record Reply(int status, String retryAfter, boolean hangs) {
        public static Reply status(int status) { return new Reply(status, null, false); }

        public static Reply retryAfter(int status, String retryAfter) { return new Reply(status, retryAfter, false); }

        /** Never answers (until the receiver closes): the sender's timeout must cut it off. */
        public static Reply hang() { return new Reply(0, null, true); }
    }

    /** A request as received: lower-case header names to their first value, the raw body, and whether it verified. */
    public record Received(String method, String path, Map<String, String> headers, String body, boolean signatureValid,
                           String verificationError, Instant receivedAt) {
        /** The request as text: request line, the webhook and content headers, the body pretty-printed when it is JSON. */
        public String format() {
            StringBuilder sb = new StringBuilder(method).append(' ').append(path).append('\n');
            headers.forEach((k, v) -> {
                if (k.startsWith("webhook-") || k.equals("content-type") || k.equals("user-agent")) sb.append(k).append(": ").append(v).append('\n');
            });
            sb.append('\n');
            try {
                var mapper = dev.herald.json.Json.mapper();
                sb.append(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(mapper.readTree(body)));
            } catch (IOException e) {
                sb.append(body);
            }
            sb.append('\n').append(signatureValid ? "signature verified" : "signature INVALID: " + verificationError).append('\n');
            return sb.toString();
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final java.util.List<WebhookVerifier> verifiers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Deque<Reply> script = new ArrayDeque<>();
    private final Map<String, AtomicInteger> accepted = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bodyBytes = new AtomicLong();
    private final AtomicLong invalid = new AtomicLong();
    private final AtomicLong acceptedTotal = new AtomicLong();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Received last;
    private volatile Received lastValid;

    private WebhookReceiver(WebhookVerifier verifier) throws IOException {
        this.verifiers.add(verifier);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a receiver that verifies with {@code secret} ({@code whsec_...}). */
    public static WebhookReceiver start(String secret) {
        return start(new WebhookVerifier(secret));
    }

    /** Starts a receiver with a given verifier (e.g. one on a test clock). */
    public static WebhookReceiver start(WebhookVerifier verifier) {
        try {
            return new WebhookReceiver(verifier);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the webhook receiver", e);
        }
    }

    /** The URL to register as the contact's target. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
    }

    public int port() { return server.getAddress().getPort(); }

    /** Also accepts requests signed with {@code secret} (several contacts with their own secrets sharing one receiver). */
    public WebhookReceiver accept(String secret) {
        verifiers.add(new WebhookVerifier(secret));
        return this;
    }

    /** Queues replies answered in order to the next requests; after them every request gets 200. */
    public void script(Reply... replies) {
        synchronized (script) {
            script.addAll(List.of(replies));
        }
    }

    /** Requests received, valid or not. */
    public long requests() { return requests.get(); }

    /** Bytes of request bodies received, in all. */
    public long bodyBytes() { return bodyBytes.get(); }

    /** Requests whose signature did not verify. */
    public long invalidSignatures() { return invalid.get(); }

    /** Requests answered 2xx after verifying. */
    public long accepted() { return acceptedTotal.get(); }

    /** Distinct webhook-ids accepted. */
    public int distinctAccepted() { return accepted.size(); }

    /** Accepted requests beyond the first for their webhook-id: what the receiver should drop as duplicates. */
    public long duplicates() { return acceptedTotal.get() - accepted.size(); }

    /** How many times {@code webhookId} was accepted. */
    public int acceptedCount(String webhookId) {
        AtomicInteger n = accepted.get(webhookId);
        return n == null ? 0 : n.get();
    }

    /** The last request received (valid or not), or null. */
    public Received last() { return last; }

    /** The last request that verified, or null. */
    public Received lastValid() { return lastValid; }

    /** Waits until at least {@code n} distinct webhook-ids were accepted; false when the timeout passes first. */
    public boolean awaitDistinct(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (distinctAccepted() < n) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(5);
        }
        return true;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex; InputStream in = ex.getRequestBody()) {
            byte[] raw = in.readAllBytes();
            String body = new String(raw, StandardCharsets.UTF_8);
            requests.incrementAndGet();
            bodyBytes.addAndGet(raw.length);
            Map<String, String> headers = new TreeMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.isEmpty() ? "" : v.get(0)));
            String error = null;
            for (WebhookVerifier verifier : verifiers) {
                try {
                    verifier.verify(headers.get("webhook-id"), headers.get("webhook-timestamp"), headers.get("webhook-signature"), body);
                    error = null;
                    break;
                } catch (WebhookVerifier.VerificationException e) {
                    error = e.getMessage();
                }
            }
            Received r = new Received(ex.getRequestMethod(), ex.getRequestURI().getPath(), Map.copyOf(headers), body,
                    error == null, error, Instant.now());
            last = r;
            if (error != null) {
                invalid.incrementAndGet();
                answer(ex, 401, null, "{\"error\":\"" + error.replace("\"", "'") + "\"}");
                return;
            }
            lastValid = r;
            Reply reply;
            synchronized (script) {
                reply = script.poll();
            }
            if (reply != null && reply.hangs()) {
                try {
                    closing.await(10, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            int status = reply == null ? 200 : reply.status();
            if (status >= 200 && status < 300) {
                accepted.computeIfAbsent(headers.get("webhook-id"), k -> new AtomicInteger()).incrementAndGet();
                acceptedTotal.incrementAndGet();
            }
            answer(ex, status, reply == null ? null : reply.retryAfter(), status >= 200 && status < 300 ? "{\"ok\":true}" : "{\"scripted\":" + status + "}");
        }
    }

    private static void answer(HttpExchange ex, int status, String retryAfter, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (retryAfter != null) ex.getResponseHeaders().set("Retry-After", retryAfter);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
