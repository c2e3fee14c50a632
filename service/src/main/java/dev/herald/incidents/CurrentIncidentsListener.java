package dev.herald.incidents;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.Json;
import dev.herald.infra.Database;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on the {@code current_incidents} channel on a dedicated connection and passes each change hint
 * (organization, view version) on. Reconnects after {@code current.listen-reconnect-delay} when the connection
 * fails; after a reconnect it calls {@code onReconnect} because hints sent meanwhile were lost. Hints only speed up
 * reads: correctness comes from the version check of every read. One daemon thread; {@link #close} stops it.
 */
final class CurrentIncidentsListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CurrentIncidentsListener.class);
    static final String CHANNEL = "current_incidents";

    private final Database db;
    private final Duration reconnectDelay;
    private final BiConsumer<UUID, Long> onHint;
    private final Runnable onReconnect;
    private final Thread thread;
    private volatile boolean closed;
    private volatile Connection connection;
    private volatile boolean listening;

    CurrentIncidentsListener(Database db, Duration reconnectDelay, BiConsumer<UUID, Long> onHint, Runnable onReconnect) {
        this.db = db;
        this.reconnectDelay = reconnectDelay;
        this.onHint = onHint;
        this.onReconnect = onReconnect;
        this.thread = Thread.ofPlatform().daemon().name("current-incidents-listener").unstarted(this::run);
    }

    CurrentIncidentsListener start() {
        thread.start();
        return this;
    }

    /** True while the LISTEN connection is up. */
    boolean listening() {
        return listening;
    }

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
                    for (PGNotification n : ns) dispatch(n.getParameter());
                }
            } catch (Exception e) {
                if (closed) break;
                log.warn("current-incidents change feed lost ({}); reconnecting in {} ms", e.getMessage(), reconnectDelay.toMillis());
            } finally {
                listening = false;
                connection = null;
            }
            sleepQuietly(reconnectDelay);
        }
    }

    private void dispatch(String payload) {
        try {
            JsonNode n = Json.mapper().readTree(payload);
            onHint.accept(UUID.fromString(n.path("organization_id").asText()), n.path("version").asLong());
        } catch (Exception e) {
            log.debug("ignoring current-incidents hint '{}': {}", payload, e.toString());
        }
    }

    private void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
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
