package dev.herald.infra;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LISTENs on one PostgreSQL channel on a dedicated connection and hands each payload to {@code onPayload}. When the
 * connection fails it reconnects after {@code reconnectDelay}, and after every reconnect it calls {@code onReconnect},
 * because notifications sent meanwhile were lost. One daemon thread; {@link #close} stops it. Thread-safe.
 *
 * <p><b>Confirmation.</b> A quiet channel and a silently dead connection look the same, so when nothing arrived for
 * {@code probeInterval} the listener runs {@code SELECT 1} on its connection. PostgreSQL signals listening backends
 * when a notifying transaction commits and a backend sends pending notifications before it answers its next
 * statement, so when the probe returns every notification of a transaction committed before the probe was sent has
 * been handed to {@code onPayload}. {@link #confirmedAt()} is that instant (System.nanoTime of the probe's start, or of
 * the LISTEN), and {@link #generation()} counts connections, so a caller can tell "confirmed recently, on the same
 * connection as my last check" from "notifications may have been lost".
 */
public final class PgChannelListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PgChannelListener.class);

    private final Database db;
    private final String channel;
    private final Duration reconnectDelay;
    private final Consumer<String> onPayload;
    private final Runnable onReconnect;
    private final long probeNanos;
    private final Thread thread;
    private volatile long confirmedAt = System.nanoTime() - Long.MAX_VALUE / 2;
    private volatile long generation;
    private volatile boolean closed;
    private volatile Connection connection;
    private volatile boolean listening;

    public PgChannelListener(Database db, String channel, Duration reconnectDelay, Duration probeInterval,
                             Consumer<String> onPayload, Runnable onReconnect) {
        this.db = db;
        this.probeNanos = probeInterval.toNanos();
        this.channel = channel;
        this.reconnectDelay = reconnectDelay;
        this.onPayload = onPayload;
        this.onReconnect = onReconnect;
        this.thread = Thread.ofPlatform().daemon().name("listen-" + channel).unstarted(this::run);
    }

    public PgChannelListener start() {
        thread.start();
        return this;
    }

    /** True while the LISTEN connection is up. */
    public boolean listening() {
        return listening;
    }

    /**
     * The System.nanoTime instant up to which every notification committed before it has been delivered on the current
     * connection; meaningless while {@link #listening()} is false.
     */
    public long confirmedAt() {
        return confirmedAt;
    }

    /** The application_name of the listener's connection (pg_stat_activity shows it). */
    public static String applicationName(String channel) {
        return "herald-listen-" + channel;
    }

    /** Incremented each time LISTEN succeeds on a new connection (notifications may have been lost in between). */
    public long generation() {
        return generation;
    }

    private void run() {
        boolean first = true;
        while (!closed) {
            try (Connection c = db.openDedicated()) {
                connection = c;
                long listenedAt = System.nanoTime();
                try (Statement st = c.createStatement()) {
                    st.execute("SET application_name = '" + applicationName(channel) + "'");
                    st.execute("LISTEN " + channel);
                }
                generation++;
                confirmedAt = listenedAt;
                listening = true;
                if (!first) onReconnect.run();
                first = false;
                PGConnection pg = c.unwrap(PGConnection.class);
                int waitMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, probeNanos / 1_000_000));
                try (Statement probe = c.createStatement()) {
                    while (!closed) {
                        deliver(pg.getNotifications(waitMillis));
                        if (System.nanoTime() - confirmedAt >= probeNanos) {
                            long sentAt = System.nanoTime();
                            probe.execute("SELECT 1");
                            deliver(pg.getNotifications());
                            confirmedAt = sentAt;
                        }
                    }
                }
            } catch (Exception e) {
                if (closed) break;
                log.warn("change feed '{}' lost ({}); reconnecting in {} ms", channel, e.getMessage(), reconnectDelay.toMillis());
            } finally {
                listening = false;
                connection = null;
            }
            try {
                Thread.sleep(reconnectDelay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closed = true;
            }
        }
    }

    private void deliver(PGNotification[] ns) {
        if (ns == null) return;
        for (PGNotification n : ns) onPayload.accept(n.getParameter());
    }

    @Override
    public void close() {
        closed = true;
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing anyway
            }
        }
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
