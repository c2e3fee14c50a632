package dev.herald.bench.latency;

import dev.herald.bench.current.RawHttpClient;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The open-loop load generator: for a phase of {@code rate} writes per second it fixes the schedule in advance (write i
 * starts at {@code t0 + i / rate}) and starts each write on its own virtual thread at its time, whether or not earlier
 * writes have answered, so a slow server makes latency grow instead of slowing the offered load (no coordinated
 * omission). Each write is {@code PATCH /incidents/{id}} changing the severity (a change that notifies) and the title to a
 * marker {@code lat/<phase>/<seq>/<scheduled epoch micros>}, which reaches the receivers inside the webhook body, so
 * the end-to-end latency is measured from the write's scheduled start. Incidents are taken round-robin, so one incident
 * is written again only after every other one was. Keep-alive connections are pooled; one write uses one connection
 * at a time, and at most {@code maxConnections} are open: a write that finds none free waits for one, and that wait
 * counts in its latency (measured from the scheduled start), so the bound protects the machine without hiding a slow
 * server. Use from one thread.
 */
final class OpenLoop {
    private final String host;
    private final int port;
    private final String bearer;
    private final List<UUID> incidents;
    private final int[] severities;
    private final ConcurrentLinkedDeque<RawHttpClient> pool = new ConcurrentLinkedDeque<>();
    private final java.util.concurrent.Semaphore connections;
    /** Phases by id, for the receipts (markers name their phase). */
    private final Map<String, Phase> phases = new ConcurrentHashMap<>();
    private int cursor;
    private int phaseNo;

    OpenLoop(String host, int port, String bearer, List<UUID> incidents, int[] severities, int maxConnections) {
        this.connections = new java.util.concurrent.Semaphore(maxConnections);
        this.host = host;
        this.port = port;
        this.bearer = bearer;
        this.incidents = incidents;
        this.severities = severities;
    }

    /** A receipt from the receivers: credited to the phase its marker names (others, e.g. stale titles, are ignored). */
    void receipt(Receivers.Receipt r) {
        String[] m = r.marker().split("/");
        if (m.length != 4) return;
        Phase p = phases.get(m[1]);
        if (p != null) p.received(r, Long.parseLong(m[3]));
    }

    /**
     * Offers {@code rate} writes per second for {@code seconds}; returns when every write has answered (or timed out).
     * Stops offering early once more than two seconds' worth of writes (at least 200) are unanswered: the rate is then
     * plainly not sustained, and going on would only queue more work on a shared machine ({@link Phase#stoppedEarly}).
     */
    Phase run(int rate, double seconds, int contacts) throws InterruptedException {
        Phase phase = new Phase("p" + (++phaseNo), rate, contacts);
        phases.put(phase.id, phase);
        int count = (int) Math.round(rate * seconds);
        CountDownLatch done = new CountDownLatch(count);
        long epoch0 = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        long nano0 = System.nanoTime();
        long start = nano0 + 20_000_000L;
        double interval = 1e9 / rate;
        for (int i = 0; i < count; i++) {
            long target = start + Math.round(i * interval);
            if (i - (count - done.getCount()) > Math.max(200, 2L * rate)) { // started minus answered
                phase.stoppedEarly = true;
                for (int rest = i; rest < count; rest++) done.countDown();
                break;
            }
            for (long d = target - System.nanoTime(); d > 0; d = target - System.nanoTime()) LockSupport.parkNanos(d);
            int k = cursor++ % incidents.size();
            severities[k] = severities[k] % 5 + 1;
            String body = String.format(Locale.ROOT, "{\"severity\":%d,\"title\":\"lat/%s/%d/%d\"}", severities[k], phase.id, i,
                    epoch0 + (target - nano0) / 1000);
            String path = "/incidents/" + incidents.get(k);
            Thread.startVirtualThread(() -> {
                try {
                    send(phase, path, body, target);
                } finally {
                    done.countDown();
                }
            });
        }
        if (!done.await(60, TimeUnit.SECONDS)) System.err.println("latency: some writes of " + phase.id + " did not answer in 60 s");
        return phase;
    }

    private void send(Phase phase, String path, String body, long scheduled) {
        connections.acquireUninterruptibly();
        try {
            sendOnConnection(phase, path, body, scheduled);
        } finally {
            connections.release();
        }
    }

    /**
     * One write on a kept connection, else a new one. A kept connection the server has closed meanwhile (its idle
     * timeout runs out while the bench waits for a backlog between rates) fails on its first use: the write is then sent
     * once more on a new connection, as HTTP clients do with a stale kept connection, instead of counting as refused.
     */
    private void sendOnConnection(Phase phase, String path, String body, long scheduled) {
        RawHttpClient kept = pool.pollFirst();
        if (kept != null) {
            try {
                answered(phase, kept, kept.request("PATCH", path, bearer, body), scheduled);
                return;
            } catch (IOException stale) {
                closeQuietly(kept);
            }
        }
        RawHttpClient c = new RawHttpClient(host, port);
        try {
            answered(phase, c, c.request("PATCH", path, bearer, body), scheduled);
        } catch (IOException e) {
            phase.failures.incrementAndGet();
            closeQuietly(c);
        }
    }

    private void answered(Phase phase, RawHttpClient c, RawHttpClient.Response r, long scheduled) {
        long micros = (System.nanoTime() - scheduled) / 1000;
        if (r.status() == 200) phase.written(micros);
        else {
            phase.failures.incrementAndGet();
            if (phase.failures.get() <= 3) System.err.println("latency: write answered " + r.status() + ": " + r.body());
        }
        pool.addFirst(c);
    }

    private static void closeQuietly(RawHttpClient c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // already broken
        }
    }

    void close() {
        for (RawHttpClient c; (c = pool.pollFirst()) != null; ) closeQuietly(c);
    }
}
