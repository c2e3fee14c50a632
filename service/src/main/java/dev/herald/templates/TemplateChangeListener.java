package dev.herald.templates;

import dev.herald.infra.Database;
import dev.herald.infra.PgChannelListener;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;
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

    private final PgChannelListener listener;

    TemplateChangeListener(Database db, Duration reconnectDelay, Duration probeInterval, Consumer<UUID> onChange, Runnable onReconnect) {
        this.listener = new PgChannelListener(db, CHANNEL, reconnectDelay, probeInterval, payload -> {
            try {
                onChange.accept(UUID.fromString(payload));
            } catch (IllegalArgumentException e) {
                log.debug("ignoring template change hint '{}'", payload);
            }
        }, onReconnect);
    }

    TemplateChangeListener start() {
        listener.start();
        return this;
    }

    boolean listening() { return listener.listening(); }

    @Override
    public void close() {
        listener.close();
    }
}
