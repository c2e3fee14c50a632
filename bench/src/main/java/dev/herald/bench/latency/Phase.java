package dev.herald.bench.latency;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * One offered rate for a while: its writes' latencies (from the scheduled start to the API's answer) and its
 * deliveries' end-to-end latencies (from the write's scheduled start to the receiver's receipt, first receipt per
 * webhook-id), in microseconds. Written by the generator's request threads and the receipts' reader thread at once:
 * thread-safe.
 */
final class Phase {
    final String id;
    final int rate;
    final int contacts;
    private final Histogram write = new Histogram(600_000_000L, 3);
    private final Histogram e2e = new Histogram(600_000_000L, 3);
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    final AtomicLong writesOk = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong invalid = new AtomicLong();
    /** Largest age of the oldest queued or running work unit seen while the phase ran, milliseconds. */
    volatile double oldestAgeMaxMs;
    volatile long lastReceiptEpochMicros;
    /** The generator stopped offering this rate before its end: too many writes were unanswered. */
    volatile boolean stoppedEarly;

    Phase(String id, int rate, int contacts) {
        this.id = id;
        this.rate = rate;
        this.contacts = contacts;
    }

    void written(long latencyMicros) {
        writesOk.incrementAndGet();
        synchronized (write) {
            write.recordValue(Math.max(0, Math.min(latencyMicros, write.getHighestTrackableValue())));
        }
    }

    void received(Receivers.Receipt r, long scheduledEpochMicros) {
        if (!r.valid()) {
            invalid.incrementAndGet();
            return;
        }
        if (!seen.add(r.webhookId())) {
            duplicates.incrementAndGet();
            return;
        }
        delivered.incrementAndGet();
        lastReceiptEpochMicros = Math.max(lastReceiptEpochMicros, r.receivedEpochMicros());
        synchronized (e2e) {
            e2e.recordValue(Math.max(0, Math.min(r.receivedEpochMicros() - scheduledEpochMicros, e2e.getHighestTrackableValue())));
        }
    }

    Histogram write() {
        synchronized (write) {
            return write.copy();
        }
    }

    Histogram e2e() {
        synchronized (e2e) {
            return e2e.copy();
        }
    }
}
