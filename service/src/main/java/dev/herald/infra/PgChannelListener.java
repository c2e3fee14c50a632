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
 * because notifications sent meanwhile were lost. Notifications are hints: callers stay correct without them.
 * One daemon thread; {@link #close} stops it. Thread-safe.
 */
public final class PgChannelListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PgChannelListener.class);

    private final Database db;
    private final String channel;
    private final Duration reconnectDelay;
    private final Consumer<String> onPayload;
    private final Runnable onReconnect;
    private final Thread thread;
    private volatile boolean closed;
    private volatile Connection connection;
    private volatile boolean listening;

    public PgChannelListener(Database db, String channel, Duration reconnectDelay, Consumer<String> onPayload, Runnable onReconnect) {
        this.db = db;
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

    private void run() {
        boolean first = true;
        while (!closed) {
            try (Connection c = db.openDedicated()) {
                connection = c;
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + channel);
                }
                listening = true;
                if (!first) onReconnect.run();
                first = false;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] ns = pg.getNotifications(500);
                    if (ns == null) continue;
                    for (PGNotification n : ns) onPayload.accept(n.getParameter());
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
