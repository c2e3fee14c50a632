package dev.herald.bench.latency;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.herald.senders.WebhookVerifier;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.BufferedOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The latency benchmark's webhook receivers, in their own JVM so that Herald's CPU is Herald's: reads one contact secret
 * per line on stdin (an empty line ends them), starts one loopback HTTP server per secret, prints {@code PORT <i> <port>}
 * per server and then {@code READY}. Each request is verified with its contact's secret (Standard Webhooks; a bad one
 * is answered 401) and answered 204; then one line goes to stdout:
 * {@code R <contact> <valid 1|0> <received epoch microseconds> <webhook-id> <marker> <body bytes>}, where the marker is the first
 * {@code lat/...} token of the body (the bench puts it in the incident's title: phase, sequence and scheduled time).
 * The receipt time is taken from the wall clock when the body has been read, before verification, as a receiver's
 * 2xx would follow it. Exits when stdin closes.
 */
public final class ReceiverMain {
    private static final LinkedBlockingQueue<String> LINES = new LinkedBlockingQueue<>();

    private ReceiverMain() {}

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<String> secrets = new ArrayList<>();
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) secrets.add(line.strip());
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false, StandardCharsets.UTF_8);
        List<HttpServer> servers = new ArrayList<>();
        for (int i = 0; i < secrets.size(); i++) {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            int contact = i;
            WebhookVerifier verifier = new WebhookVerifier(secrets.get(i));
            s.createContext("/", ex -> handle(ex, contact, verifier));
            s.start();
            servers.add(s);
            out.println("PORT " + i + " " + s.getAddress().getPort());
        }
        out.println("READY");
        out.flush();
        Thread writer = Thread.ofPlatform().daemon().name("receiver-out").start(() -> {
            List<String> batch = new ArrayList<>();
            try {
                while (true) {
                    batch.add(LINES.take());
                    LINES.drainTo(batch);
                    for (String l : batch) out.println(l);
                    out.flush();
                    batch.clear();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        while (in.read() >= 0) { /* until the bench closes stdin */ }
        servers.forEach(s -> s.stop(0));
        while (!LINES.isEmpty()) Thread.sleep(10);
        writer.interrupt();
        out.flush();
        System.exit(0);
    }

    private static void handle(HttpExchange ex, int contact, WebhookVerifier verifier) throws IOException {
        String body;
        try (InputStream is = ex.getRequestBody()) {
            body = new String(is.readAllBytes(), StandardCharsets.UTF_8);
        }
        long received = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        var h = ex.getRequestHeaders();
        String id = h.getFirst("webhook-id");
        boolean valid;
        try {
            verifier.verify(id, h.getFirst("webhook-timestamp"), h.getFirst("webhook-signature"), body);
            valid = true;
        } catch (Exception e) {
            valid = false;
        }
        ex.sendResponseHeaders(valid ? 204 : 401, -1);
        ex.close();
        int m = body.indexOf("lat/");
        String marker = "-";
        if (m >= 0) {
            int end = m;
            while (end < body.length() && (Character.isLetterOrDigit(body.charAt(end)) || body.charAt(end) == '/')) end++;
            marker = body.substring(m, end);
        }
        LINES.add("R " + contact + " " + (valid ? 1 : 0) + " " + received + " " + id + " " + marker + " " + body.length());
    }
}
