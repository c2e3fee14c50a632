package dev.herald.bench.current;

import java.net.URI;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Single-incident reads over loopback HTTP at a paced, offered rate by one client on a kept-alive connection
 * ({@link RawHttpClient}, so the client adds no thread hand-offs of its own). Latency
 * is measured from each request's scheduled start (so a slow answer also charges the requests it delays), in
 * microseconds into an HdrHistogram. Not thread-safe.
 */
final class PacedReads {
    private final RawHttpClient client;
    private final String base;
    private final String key;
    private final Random rnd;
    private long failures;

    PacedReads(String base, String key, long seed) {
        this.base = base;
        this.key = key;
        URI u = URI.create(base);
        this.client = new RawHttpClient(u.getHost(), u.getPort());
        this.rnd = new Random(seed);
    }

    long failures() {
        return failures;
    }

    void warmUp(List<UUID> ids, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            send("/incidents/current/" + ids.get(rnd.nextInt(ids.size())));
            send("/health/live");
            send("/health");
        }
    }

    /**
     * {@code n} reads offered at {@code rate}/s: of random incidents when {@code path} is null, else of that fixed path
     * (e.g. {@code /health/live}, the trivial handler).
     */
    Histogram measure(List<UUID> ids, int n, int rate, String path) throws Exception {
        boolean incidents = path == null;
        Histogram h = new Histogram(60_000_000L, 3);
        long interval = 1_000_000_000L / Math.max(1, rate);
        long start = System.nanoTime() + 1_000_000;
        for (int i = 0; i < n; i++) {
            long scheduled = start + i * interval;
            long wait;
            while ((wait = scheduled - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
            UUID id = ids.get(rnd.nextInt(ids.size()));
            RawHttpClient.Response r = send(incidents ? "/incidents/current/" + id : path);
            h.recordValue(Math.max(0, (System.nanoTime() - scheduled) / 1000));
            if (r.status() != 200 || (incidents && !r.body().contains(id.toString()))) failures++;
        }
        return h;
    }

    private RawHttpClient.Response send(String path) throws Exception {
        return client.get(path, key);
    }
}
