package dev.herald.limits;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads a contact's throttle settings at the gate: a malformed one is ignored with a (rate-limited) warning. */
final class Throttles {
    private static final Logger log = LoggerFactory.getLogger(Throttles.class);
    private static final AtomicLong lastWarn = new AtomicLong(System.nanoTime() - 60_000_000_000L);

    private Throttles() {}

    static Optional<ThrottleWindow> of(UUID contactId, JsonNode json) {
        try {
            return ThrottleWindow.parse(json);
        } catch (IllegalArgumentException e) {
            long now = System.nanoTime();
            long last = lastWarn.get();
            if (now - last >= 60_000_000_000L && lastWarn.compareAndSet(last, now)) {
                log.warn("contact {} has unusable throttle settings, ignored: {}", contactId, e.getMessage());
            }
            return Optional.empty();
        }
    }
}
