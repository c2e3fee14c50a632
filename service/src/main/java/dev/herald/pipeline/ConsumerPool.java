package dev.herald.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N consumers (virtual threads) in one process, plus one heartbeat thread that extends the leases of everything in
 * flight in one statement, and one maintenance thread that reclaims expired leases and moves finished work. Each
 * consumer claims a batch (with its delivery rows and contacts, one statement), works its units side by side (a
 * virtual thread each), and acks each unit as soon as it is done, deliveries recorded, grouped with whatever else of the
 * process finished meanwhile ({@link GroupAcker}: one statement for many units). Any number of processes can
 * run pools on one database. Thread-safe; {@link #close} stops claiming and waits for in-flight batches.
 *
 * <p><b>Admission.</b> A process works at most {@code maxInFlight} units at once: a consumer takes permits before it
 * claims (at most half of them, so two batches always overlap one's database round trips with the other's work) and
 * gives them back at the ack. Under a backlog the units wait in the queue, not claimed in memory, so a unit's
 * claim-to-ack time is its own work, its lease is not spent waiting, and another process can take it. A unit still
 * unfinished after {@code delivery.slow-send} gives its permit back early (it keeps its lease, its heartbeat and its
 * place in its contact's lane, see {@link ContactGuard}): a receiver that hangs holds its own lane, never the
 * process's slots. A consumer does not wait for its batch before it claims again; permits alone pace it.
 *
 * <p><b>Claim size.</b> A consumer whose claim came back full doubles its next claim (up to {@code batchMax}, within
 * its permits); a partial claim resets it to {@code batchSize}. A backlog drains in fewer, larger statements; a
 * trickle is claimed as it comes.
 */
public final class ConsumerPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConsumerPool.class);

    private final WorkQueue queue;
    private final Processor processor;
    /** Timing and sizing of the pool (the {@code work.*} settings). */
    private final PipelineSettings tuning;
    private final Waker waker;
    private final LongSupplier nanos;
    private final String name;
    private final Set<UUID> inFlight = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong processed = new AtomicLong();
    private final ExecutorService units = Executors.newVirtualThreadPerTaskExecutor();
    /** Releases the permits of units slower than {@code delivery.slow-send}. */
    private final ScheduledThreadPoolExecutor slowTimer;
    /** Units claimed and not yet acked (or failed to ack), for {@link #close}. */
    private final Set<CompletableFuture<Void>> outstanding = ConcurrentHashMap.newKeySet();
    /** Ack statements at once per process: one can run while the next group gathers behind another. */
    private static final int ACKERS = 2;

    private final Semaphore permits;
    private final GroupAcker acker;
    private volatile boolean running = true;

    /** The delivery policy's periodic work, run with the prune. */
    private final Runnable upkeep;

    ConsumerPool(WorkQueue queue, Processor processor, PipelineSettings tuning, Waker waker, LongSupplier nanos, Runnable upkeep) {
        this.upkeep = upkeep;
        this.queue = queue;
        this.processor = processor;
        this.tuning = tuning;
        this.waker = waker;
        this.nanos = nanos;
        this.permits = new Semaphore(tuning.maxInFlight());
        this.name = hostName() + ":" + ProcessHandle.current().pid() + ":" + UUID.randomUUID().toString().substring(0, 8);
        this.acker = new GroupAcker(queue, name, ACKERS, Math.max(64, tuning.maxInFlight()));
        this.slowTimer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "herald-slow-sends");
            t.setDaemon(true);
            return t;
        });
        this.slowTimer.setRemoveOnCancelPolicy(true);
    }

    void start() {
        for (int i = 0; i < tuning.consumers(); i++) {
            String consumer = name + "#" + i;
            threads.add(Thread.ofVirtual().name("herald-consumer-" + i).start(() -> consume(consumer)));
        }
        threads.add(Thread.ofVirtual().name("herald-heartbeat").start(this::heartbeats));
        threads.add(Thread.ofVirtual().name("herald-queue-maintenance").start(this::maintenance));
        log.info("{} consumers started as {} (batch {}..{}, {} in flight, lease {})", tuning.consumers(), name, tuning.batchSize(),
                tuning.batchMax(), tuning.maxInFlight(), tuning.lease());
    }

    /** The lease holder name of this process's consumers. */
    public String name() { return name; }

    /** Work units this pool has finished an attempt of (delivered, retried, failed...). */
    public long processed() { return processed.get(); }

    private void consume(String consumer) {
        ClaimSize size = new ClaimSize(tuning.batchSize(), tuning.batchMax()); // batch-size <= batch-max: PipelineSettings
        int perClaim = Math.max(1, tuning.maxInFlight() / 2);
        while (running) {
            try {
                int want = Math.min(size.next(), perClaim);
                int claimed = claimAndWork(want, consumer);
                size.claimed(want, claimed);
                if (claimed == 0) waker.await(tuning.pollInterval().toMillis());
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

    /**
     * Takes {@code want} permits, claims up to that many units, works them side by side and hands each to the
     * {@link GroupAcker} as soon as it is done (its permit comes back when it is acked); answers how many were claimed.
     */
    private int claimAndWork(int want, String consumer) throws InterruptedException {
        permits.acquire(want);
        List<WorkQueue.Claimed> batch;
        long start = nanos.getAsLong();
        try {
            batch = queue.claimForDelivery(want, tuning.maxAttempts(), tuning.lease(), name);
        } catch (RuntimeException e) {
            permits.release(want);
            throw e;
        }
        permits.release(want - batch.size());
        if (batch.isEmpty()) return 0;
        long claimNanos = (nanos.getAsLong() - start) / batch.size();
        long slowMs = tuning.delivery().slowSend().toMillis();
        for (WorkQueue.Claimed c : batch) {
            UUID id = c.unit().id();
            inFlight.add(id);
            AtomicBoolean holdsPermit = new AtomicBoolean(true);
            Runnable givePermitBack = () -> {
                if (holdsPermit.compareAndSet(true, false)) permits.release();
            };
            ScheduledFuture<?> slow = slowTimer.schedule(givePermitBack, slowMs, TimeUnit.MILLISECONDS);
            // The units of a batch are worked side by side, so one slow receiver costs its own unit its timeout, not the batch.
            CompletableFuture<Void> acked = CompletableFuture.supplyAsync(() -> processor.process(c, claimNanos, consumer), units)
                    .thenCompose(acker::ack);
            CompletableFuture<Void> done = acked.whenComplete((v, e) -> {
                slow.cancel(false);
                inFlight.remove(id);
                givePermitBack.run();
                if (e == null) {
                    processed.incrementAndGet();
                } else {
                    // not acked: the unit stays leased and is reclaimed after its lease
                    log.error("work unit {} was not acked: {}", id, e.getCause() == null ? e.toString() : e.getCause().toString());
                }
            });
            outstanding.add(done);
            done.whenComplete((v, e) -> outstanding.remove(done));
        }
        return batch.size();
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
                int reclaimed = queue.reclaimExpired(tuning.pruneBatch());
                if (reclaimed > 0) log.info("reclaimed {} work units whose lease expired", reclaimed);
                if (nanos.getAsLong() >= nextPrune) {
                    nextPrune = nanos.getAsLong() + tuning.pruneInterval().toNanos();
                    queue.moveFinished(tuning.pruneAfter(), tuning.historyRetention(), tuning.pruneBatch());
                    upkeep.run();
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
        // Consumers claim no more; the units they claimed finish (or are cut off at the deadline and reclaimed after
        // their lease) before the acker and the database go.
        List<CompletableFuture<Void>> left = List.copyOf(outstanding);
        if (!left.isEmpty()) {
            try {
                long wait = Math.max(0, deadline - System.nanoTime());
                CompletableFuture.allOf(left.toArray(CompletableFuture[]::new)).get(wait, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                log.warn("{} work units still in flight at shutdown; they are reclaimed after their lease", outstanding.size());
            }
        }
        threads.forEach(Thread::interrupt);
        acker.close();
        units.shutdownNow();
        slowTimer.shutdownNow();
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
