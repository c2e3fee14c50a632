package dev.herald.current;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.infra.Database;
import dev.herald.infra.PgChannelListener;
import dev.herald.json.Json;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on the {@code current_incidents} channel on a dedicated connection and passes each change hint
 * (organization, view version) on. Reconnects after {@code current.listen-reconnect-delay} when the connection
 * fails; after a reconnect it calls {@code onReconnect} because hints sent meanwhile were lost. Its
 * {@link #feed() feed state} tells readers whether every change committed before a recent instant has arrived (see
 * {@link CurrentIncidentsCache}). One daemon thread; {@link #close} stops it.
 */
final class CurrentIncidentsListener implements AutoCloseable, CurrentIncidentsCache.Feed {
    private static final Logger log = LoggerFactory.getLogger(CurrentIncidentsListener.class);
    static final String CHANNEL = "current_incidents";

    private final PgChannelListener listener;

    CurrentIncidentsListener(Database db, Duration reconnectDelay, Duration probeInterval, BiConsumer<UUID, Long> onHint, Runnable onReconnect) {
        this.listener = new PgChannelListener(db, CHANNEL, reconnectDelay, probeInterval, payload -> dispatch(payload, onHint), onReconnect);
    }

    @Override
    public boolean listening() {
        return listener.listening();
    }

    @Override
    public long confirmedAt() {
        return listener.confirmedAt();
    }

    @Override
    public long generation() {
        return listener.generation();
    }

    CurrentIncidentsListener start() {
        listener.start();
        return this;
    }

    private static void dispatch(String payload, BiConsumer<UUID, Long> onHint) {
        try {
            JsonNode n = Json.mapper().readTree(payload);
            onHint.accept(UUID.fromString(n.path("organization_id").asText()), n.path("version").asLong());
        } catch (Exception e) {
            log.debug("ignoring current-incidents hint '{}': {}", payload, e.toString());
        }
    }

    @Override
    public void close() {
        listener.close();
    }
}
