package dev.herald.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acks finished work units as soon as each is done, many in one statement: a unit's completion waits for the
 * statement in progress, then goes out with every other completion that arrived meanwhile (group commit), from any
 * consumer of the process. A unit therefore never waits for the slowest unit of its batch, and under load the
 * statements grow instead of multiplying. {@code threads} loops take turns; each statement carries at most
 * {@code maxPerStatement} units. Thread-safe; {@link #close} acks what was handed in before it, then stops.
 */
final class GroupAcker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupAcker.class);

    private record Pending(WorkQueue.Completion completion, CompletableFuture<Void> acked) {}

    private final WorkQueue queue;
    private final String holder;
    private final int maxPerStatement;
    private final LinkedBlockingQueue<Pending> pending = new LinkedBlockingQueue<>();
    private final List<Thread> loops = new ArrayList<>();
    private volatile boolean running = true;

    GroupAcker(WorkQueue queue, String holder, int threads, int maxPerStatement) {
        this.queue = queue;
        this.holder = holder;
        this.maxPerStatement = maxPerStatement;
        for (int i = 0; i < threads; i++) {
            loops.add(Thread.ofVirtual().name("herald-acker-" + i).start(this::loop));
        }
    }

    /** Hands in a unit's outcome; the future completes when it is acked (exceptionally when the statement failed). */
    CompletableFuture<Void> ack(WorkQueue.Completion completion) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        pending.add(new Pending(completion, f));
        return f;
    }

    private void loop() {
        List<Pending> batch = new ArrayList<>();
        while (running || !pending.isEmpty()) {
            try {
                Pending first = pending.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                pending.drainTo(batch, maxPerStatement - 1);
                flush(batch);
            } catch (InterruptedException e) {
                if (!running) break;
            } finally {
                batch.clear();
            }
        }
    }

    private void flush(List<Pending> batch) {
        List<WorkQueue.Completion> done = new ArrayList<>(batch.size());
        for (Pending p : batch) done.add(p.completion());
        try {
            queue.complete(done, holder);
            for (Pending p : batch) p.acked().complete(null);
        } catch (RuntimeException e) {
            // The units stay leased and are reclaimed after their lease; their consumers hear of it.
            log.warn("acking {} work units failed: {}", batch.size(), e.toString());
            for (Pending p : batch) p.acked().completeExceptionally(e);
        }
    }

    @Override
    public void close() {
        running = false;
        for (Thread t : loops) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        loops.forEach(Thread::interrupt);
    }
}
