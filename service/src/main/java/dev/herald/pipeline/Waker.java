package dev.herald.pipeline;

import dev.herald.infra.Database;
import dev.herald.infra.PgChannelListener;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes idle consumers early when PostgreSQL says new work arrived (a notification on {@code herald_work}, through the
 * one LISTEN loop, {@link PgChannelListener}). Only a hint: consumers poll anyway, so a lost notification or a dropped
 * LISTEN connection delays work by at most one poll interval; a reconnect wakes everyone, since notifications may have
 * been missed. Thread-safe.
 */
final class Waker implements AutoCloseable {
    static final String CHANNEL = "herald_work";

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition signal = lock.newCondition();
    private long generation;
    private volatile boolean closed;
    private final PgChannelListener listener;

    /** @param db where to LISTEN (null: polling only) */
    Waker(Database db, Duration reconnectDelay, Duration probeInterval) {
        this.listener = db == null ? null
                : new PgChannelListener(db, CHANNEL, reconnectDelay, probeInterval, payload -> wakeAll(), this::wakeAll).start();
    }

    /** Waits until woken or {@code millis} pass. */
    void await(long millis) throws InterruptedException {
        lock.lock();
        try {
            long seen = generation;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (generation == seen && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return;
                signal.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    void wakeAll() {
        lock.lock();
        try {
            generation++;
            signal.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        wakeAll();
        if (listener != null) listener.close();
    }
}
