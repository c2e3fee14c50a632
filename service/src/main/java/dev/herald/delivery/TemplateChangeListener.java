package dev.herald.delivery;

import dev.herald.infra.Database;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on the {@code herald_templates} channel on a dedicated connection, so a template saved in one process is
 * dropped from every process's compiled-template cache at once (the TTL remains the backstop). After a reconnect it
 * calls {@code onReconnect}, because changes announced meanwhile were missed. One daemon thread; {@link #close} stops it.
 */
final class TemplateChangeListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TemplateChangeListener.class);
    static final String CHANNEL = "herald_templates";

    private final Database db;
    private final Duration reconnectDelay;
    private final Consumer<UUID> onChange;
    private final Runnable onReconnect;
    private final Thread thread;
    private volatile boolean closed;
    private volatile Connection connection;
    private volatile boolean listening;

    TemplateChangeListener(Database db, Duration reconnectDelay, Consumer<UUID> onChange, Runnable onReconnect) {
        this.db = db;
        this.reconnectDelay = reconnectDelay;
        this.onChange = onChange;
        this.onReconnect = onReconnect;
        this.thread = Thread.ofPlatform().daemon().name("template-change-listener").unstarted(this::run);
    }

    TemplateChangeListener start() {
        thread.start();
        return this;
    }

    boolean listening() { return listening; }

    private void run() {
        boolean first = true;
        while (!closed) {
            try (Connection c = db.openDedicated()) {
                connection = c;
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + CHANNEL);
                }
                listening = true;
                if (!first) onReconnect.run();
                first = false;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] ns = pg.getNotifications(500);
                    if (ns == null) continue;
                    for (PGNotification n : ns) {
                        try {
                            onChange.accept(UUID.fromString(n.getParameter()));
                        } catch (IllegalArgumentException e) {
                            log.debug("ignoring template change hint '{}'", n.getParameter());
                        }
                    }
                }
            } catch (Exception e) {
                if (closed) break;
                log.warn("template change feed lost ({}); reconnecting in {} ms", e.getMessage(), reconnectDelay.toMillis());
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
