package dev.herald.graph;

import dev.herald.infra.Database;
import dev.herald.infra.PgChannelListener;
import java.time.Duration;
import java.util.UUID;

/**
 * Passes each notification on {@code herald_graph} (an organization id, or {@code *}) to {@link Snapshots} as a hint to
 * reload early, through the one LISTEN loop ({@link PgChannelListener}); after a reconnect every snapshot is rechecked,
 * because changes announced meanwhile were missed. Correctness never depends on it: the version check before a
 * snapshot is used does. {@link #close} stops it.
 */
final class ChangeListener implements AutoCloseable {
    static final String CHANNEL = "herald_graph";

    private final PgChannelListener listener;

    ChangeListener(Database db, Snapshots snapshots, Duration reconnectDelay, Duration probeInterval) {
        this.listener = new PgChannelListener(db, CHANNEL, reconnectDelay, probeInterval, payload -> dispatch(snapshots, payload),
                snapshots::recheckAll).start();
    }

    private static void dispatch(Snapshots snapshots, String payload) {
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
        listener.close();
    }
}
