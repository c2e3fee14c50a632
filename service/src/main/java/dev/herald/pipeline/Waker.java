package dev.herald.pipeline;

import java.sql.Connection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes idle consumers early when PostgreSQL says new work arrived ({@code LISTEN herald_work}). Only a hint: consumers
 * poll anyway, so a lost notification or a dropped LISTEN connection delays work by at most one poll interval.
 * Thread-safe.
 */
final class Waker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Waker.class);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition signal = lock.newCondition();
    private long generation;
    private volatile boolean closed;
    private final Thread listener;

    /** @param connections opens a dedicated connection for LISTEN (null: polling only) */
    Waker(Supplier<Connection> connections, long pollMillis) {
        this.listener = connections == null ? null : Thread.ofVirtual().name("herald-listen").start(() -> listen(connections, pollMillis));
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

    private void listen(Supplier<Connection> connections, long pollMillis) {
        while (!closed) {
            try (Connection c = connections.get()) {
                try (var st = c.createStatement()) {
                    st.execute("LISTEN herald_work");
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    var notes = pg.getNotifications((int) Math.max(1, Math.min(pollMillis, 1000)));
                    if (notes != null && notes.length > 0) wakeAll();
                }
            } catch (Exception e) {
                if (closed) return;
                log.debug("LISTEN connection lost ({}); polling until it is back", e.toString());
                try {
                    Thread.sleep(pollMillis);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        wakeAll();
        if (listener != null) {
            try {
                listener.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
