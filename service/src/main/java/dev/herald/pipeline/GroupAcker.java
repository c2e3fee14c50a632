package dev.herald.pipeline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acks finished work units as soon as each is done, many in one statement (group commit), from any consumer of the
 * process. A unit never waits for the slowest unit of its batch, and under load the statements grow instead of
 * multiplying.
 *
 * <p><b>Design.</b> Leader/follower, with no thread of its own: a completion handed in while fewer than
 * {@code maxStatements} ack statements are running makes its caller the leader, which runs the statement at once on its
 * own thread with everything pending (at most {@code maxPerStatement} units), and then again while completions are
 * pending. A completion handed in while the statements are all busy waits for the next one a leader runs. On a busy
 * machine this matters: a hand-off to a dedicated ack thread costs a scheduling delay on the way to every ack, and a
 * unit's ack time is when its statement starts. Thread-safe; {@link #close} waits for the statements in progress.
 */
final class GroupAcker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupAcker.class);

    private record Pending(WorkQueue.Completion completion, CompletableFuture<Void> acked) {}

    private final WorkQueue queue;
    private final String holder;
    private final int maxStatements;
    private final int maxPerStatement;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private int running;

    GroupAcker(WorkQueue queue, String holder, int maxStatements, int maxPerStatement) {
        this.queue = queue;
        this.holder = holder;
        this.maxStatements = maxStatements;
        this.maxPerStatement = maxPerStatement;
    }

    /**
     * Hands in a unit's outcome; the future completes when it is acked (exceptionally when the statement failed). May
     * run ack statements on the calling thread before it returns (the caller is then the leader).
     */
    CompletableFuture<Void> ack(WorkQueue.Completion completion) {
        Pending mine = new Pending(completion, new CompletableFuture<>());
        List<Pending> batch;
        lock.lock();
        try {
            pending.add(mine);
            if (running >= maxStatements) return mine.acked(); // a running leader takes it next
            running++;
            batch = take();
        } finally {
            lock.unlock();
        }
        while (true) {
            flush(batch);
            lock.lock();
            try {
                if (pending.isEmpty()) {
                    running--;
                    idle.signalAll();
                    return mine.acked();
                }
                batch = take();
            } finally {
                lock.unlock();
            }
        }
    }

    private List<Pending> take() {
        List<Pending> batch = new ArrayList<>(Math.min(pending.size(), maxPerStatement));
        while (!pending.isEmpty() && batch.size() < maxPerStatement) batch.add(pending.poll());
        return batch;
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

    /** Waits (up to 5 s) until no statement runs and nothing is pending. */
    @Override
    public void close() {
        lock.lock();
        try {
            long left = TimeUnit.SECONDS.toNanos(5);
            while ((running > 0 || !pending.isEmpty()) && left > 0) left = idle.awaitNanos(left);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }
}
