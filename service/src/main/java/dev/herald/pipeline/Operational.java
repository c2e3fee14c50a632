package dev.herald.pipeline;

import dev.herald.infra.Database;
import dev.herald.infra.Metrics;
import io.micrometer.core.instrument.Counter;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Operational events: what an organization's operators must hear about its own endpoints. {@code contact.failing} (a
 * contact's sends failed {@code delivery.failing-after} times in a row), {@code contact.disabled} (disabled after
 * failing for {@code delivery.disable-after}, or by a 410), {@code delivery.exhausted} (a delivery used its whole retry
 * schedule). Each goes, as a work unit through the ordinary pipeline (signed, gated, retried), to the organization's
 * live contacts marked {@code operational}, except the contact it is about; and each is counted in
 * {@code herald_operational_events_total{event}} for the shipped alert rules. Thread-safe.
 */
final class Operational {
    /** Fans one operational event out (SQL {@code herald_enqueue_operational}); answers the units created. */
    static final String ENQUEUE = "SELECT herald_enqueue_operational(?, ?, ?, ?, ?)";

    static final String CONTACT_FAILING = "contact.failing";
    static final String CONTACT_DISABLED = "contact.disabled";
    static final String DELIVERY_EXHAUSTED = "delivery.exhausted";

    private final Database db;
    private final Metrics metrics;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    Operational(Database db, Metrics metrics) {
        this.db = db;
        this.metrics = metrics;
        // Registered at zero, so the alert rules' series exist before the first event.
        for (String e : new String[] {CONTACT_FAILING, CONTACT_DISABLED, DELIVERY_EXHAUSTED}) counter(e);
    }

    private Counter counter(String event) {
        return counters.computeIfAbsent(event, e -> Counter.builder("herald_operational_events_total")
                .description("Operational events raised (contact.failing, contact.disabled, delivery.exhausted)")
                .tag("event", e).register(metrics.registry()));
    }

    /** {@code contact.failing} or {@code contact.disabled} about {@code contactId}. */
    int contactEvent(UUID organizationId, UUID contactId, String event) {
        return enqueue(organizationId, "contact", contactId, contactId, event);
    }

    /** {@code delivery.exhausted} about the delivery {@code deliveryId} to {@code contactId}. */
    int exhausted(UUID organizationId, UUID deliveryId, UUID contactId) {
        return enqueue(organizationId, "delivery", deliveryId, contactId, DELIVERY_EXHAUSTED);
    }

    private int enqueue(UUID org, String subjectType, UUID subjectId, UUID aboutContact, String event) {
        counter(event).increment();
        return db.write("Operational.ENQUEUE", c -> {
            try (PreparedStatement ps = c.prepareStatement(ENQUEUE)) {
                ps.setObject(1, org);
                ps.setString(2, subjectType);
                ps.setObject(3, subjectId);
                ps.setObject(4, aboutContact);
                ps.setString(5, event);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }
}
