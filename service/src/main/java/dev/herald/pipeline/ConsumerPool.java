package dev.herald.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N consumers (virtual threads) in one process, plus one heartbeat thread that extends the leases of everything in
 * flight in one statement, and one maintenance thread that reclaims expired leases and moves finished work. Each
 * consumer claims a batch, works its units side by side (a virtual thread each), and acks the whole batch in one statement. Any number of processes
 * can run pools on one database. Thread-safe; {@link #close} stops claiming and waits for in-flight batches.
 */
public final class ConsumerPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConsumerPool.class);

    /** Timing and sizing of a pool (from the {@code work.*} settings). */
    record Tuning(int consumers, int batchSize, int maxAttempts, Duration lease, Duration heartbeat, Duration reclaimInterval,
                  Duration pollInterval, Duration pruneAfter, Duration pruneInterval, int pruneBatch, Duration historyRetention,
                  Duration shutdownGrace) {}

    private final WorkQueue queue;
    private final Deliveries deliveries;
    private final Processor processor;
    private final Tuning tuning;
    private final Waker waker;
    private final LongSupplier nanos;
    private final String name;
    private final Set<UUID> inFlight = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong processed = new AtomicLong();
    private final ExecutorService units = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean running = true;

    ConsumerPool(WorkQueue queue, Deliveries deliveries, Processor processor, Tuning tuning, Waker waker, LongSupplier nanos) {
        this.queue = queue;
        this.deliveries = deliveries;
        this.processor = processor;
        this.tuning = tuning;
        this.waker = waker;
        this.nanos = nanos;
        this.name = hostName() + ":" + ProcessHandle.current().pid() + ":" + UUID.randomUUID().toString().substring(0, 8);
    }

    void start() {
        for (int i = 0; i < tuning.consumers(); i++) {
            String consumer = name + "#" + i;
            threads.add(Thread.ofVirtual().name("herald-consumer-" + i).start(() -> consume(consumer)));
        }
        threads.add(Thread.ofVirtual().name("herald-heartbeat").start(this::heartbeats));
        threads.add(Thread.ofVirtual().name("herald-queue-maintenance").start(this::maintenance));
        log.info("{} consumers started as {} (batch {}, lease {})", tuning.consumers(), name, tuning.batchSize(), tuning.lease());
    }

    /** The lease holder name of this process's consumers. */
    public String name() { return name; }

    /** Work units this pool has finished an attempt of (delivered, retried, failed...). */
    public long processed() { return processed.get(); }

    private void consume(String consumer) {
        while (running) {
            try {
                long start = nanos.getAsLong();
                List<WorkQueue.Claimed> batch = queue.claim(tuning.batchSize(), tuning.maxAttempts(), tuning.lease(), name);
                long claimNanos = batch.isEmpty() ? 0 : (nanos.getAsLong() - start) / batch.size();
                if (batch.isEmpty()) {
                    waker.await(tuning.pollInterval().toMillis());
                    continue;
                }
                batch.forEach(c -> inFlight.add(c.unit().id()));
                try {
                    work(batch, claimNanos, consumer);
                } finally {
                    batch.forEach(c -> inFlight.remove(c.unit().id()));
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The database is unavailable or a statement failed: leased work is reclaimed after its lease; back off.
                log.warn("consumer {}: {}", consumer, e.toString());
                try {
                    waker.await(tuning.pollInterval().toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void work(List<WorkQueue.Claimed> batch, long claimNanos, String consumer) {
        Map<UUID, Deliveries.Contact> contacts = deliveries.loadContacts(batch.stream().map(c -> c.unit().contactId()).distinct().toList());
        // The units of a batch are worked side by side, so one slow receiver costs its own unit its timeout, not the batch.
        List<Future<WorkQueue.Completion>> running = new ArrayList<>(batch.size());
        for (WorkQueue.Claimed c : batch) {
            running.add(units.submit(() -> processor.process(c, claimNanos, contacts.get(c.unit().contactId()), consumer)));
        }
        List<WorkQueue.Completion> done = new ArrayList<>(batch.size());
        for (Future<WorkQueue.Completion> f : running) {
            try {
                done.add(f.get());
                processed.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break; // shutting down: what is not acked is reclaimed after its lease
            } catch (ExecutionException e) {
                log.error("work unit processing failed unexpectedly", e.getCause()); // reclaimed after its lease
            }
        }
        queue.complete(done, name);
    }

    private void heartbeats() {
        while (running) {
            try {
                Thread.sleep(tuning.heartbeat().toMillis());
                List<UUID> ids = List.copyOf(inFlight);
                if (!ids.isEmpty()) queue.heartbeat(ids, tuning.lease(), name);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("heartbeat failed: {}", e.toString());
            }
        }
    }

    private void maintenance() {
        long nextPrune = nanos.getAsLong() + tuning.pruneInterval().toNanos();
        while (running) {
            try {
                Thread.sleep(tuning.reclaimInterval().toMillis());
                int reclaimed = queue.reclaimExpired(10_000);
                if (reclaimed > 0) log.info("reclaimed {} work units whose lease expired", reclaimed);
                if (nanos.getAsLong() >= nextPrune) {
                    nextPrune = nanos.getAsLong() + tuning.pruneInterval().toNanos();
                    queue.moveFinished(tuning.pruneAfter(), tuning.historyRetention(), tuning.pruneBatch());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("queue maintenance failed: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        waker.close();
        long deadline = System.nanoTime() + tuning.shutdownGrace().toNanos();
        for (Thread t : threads) {
            if (t.getName().startsWith("herald-consumer")) {
                try {
                    long left = deadline - System.nanoTime();
                    if (left > 0) t.join(Duration.ofNanos(left));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        threads.forEach(Thread::interrupt);
        units.shutdownNow();
    }

    private static String hostName() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) return h;
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "herald";
        }
    }
}
