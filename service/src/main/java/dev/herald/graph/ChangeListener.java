package dev.herald.graph;

import dev.herald.infra.Database;
import java.sql.Connection;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LISTENs on {@code herald_graph} on a dedicated connection and passes each notification to {@link Snapshots} as a hint
 * to reload early. Correctness never depends on it (the version check before use does); if the connection drops it
 * reconnects with a pause. Runs on one virtual thread until {@link #close}.
 */
final class ChangeListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChangeListener.class);
    static final String CHANNEL = "herald_graph";

    private final Database db;
    private final Snapshots snapshots;
    private final Thread thread;
    private volatile boolean running = true;

    ChangeListener(Database db, Snapshots snapshots) {
        this.db = db;
        this.snapshots = snapshots;
        this.thread = Thread.ofVirtual().name("graph-listen").start(this::loop);
    }

    private void loop() {
        while (running) {
            try (Connection c = db.openDedicated()) {
                c.createStatement().execute("LISTEN " + CHANNEL);
                PGConnection pg = c.unwrap(PGConnection.class);
                snapshots.recheckAll(); // changes may have been missed while not listening
                while (running) {
                    PGNotification[] ns = pg.getNotifications(5_000);
                    if (ns == null) continue;
                    for (PGNotification n : ns) dispatch(n.getParameter());
                }
            } catch (Exception e) {
                if (!running) return;
                log.debug("graph change listener reconnecting after {}", e.toString());
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void dispatch(String payload) {
        if ("*".equals(payload)) {
            snapshots.changedAll();
            return;
        }
        try {
            snapshots.changed(UUID.fromString(payload));
        } catch (IllegalArgumentException ignored) {
            // not ours
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
