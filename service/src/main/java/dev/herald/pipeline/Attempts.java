package dev.herald.pipeline;

import dev.herald.infra.Database;
import dev.herald.records.RecordSql;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * The attempt log: one row per send attempt of a delivery ({@code delivery_attempts}, day partitions), written by the
 * ack together with the delivery row ({@link WorkQueue#COMPLETE}). Read here; kept and dropped by {@link Retention}.
 * Thread-safe.
 */
final class Attempts {
    /** A delivery's attempts in order (delivery_attempts_delivery_idx). */
    static final String LIST_BY_DELIVERY = """
            SELECT attempt, started_at, duration_ms, outcome, response_code, error_class, error, response_excerpt, process
            FROM delivery_attempts WHERE delivery_id = ? AND organization_id = ? ORDER BY attempt, started_at LIMIT ?""";

    /** One attempt as {@code GET /deliveries/{id}/attempts} shows it. */
    record AttemptView(int attempt, OffsetDateTime startedAt, int durationMs, String outcome, Integer responseCode,
                       String errorClass, String error, String responseExcerpt, String process) {}

    private final Database db;

    Attempts(Database db) {
        this.db = db;
    }

    /** Up to {@code limit} attempts of a delivery of {@code organizationId}, oldest first. */
    List<AttemptView> list(UUID organizationId, UUID deliveryId, int limit) {
        return db.read("Attempts.LIST_BY_DELIVERY", c -> RecordSql.query(c, LIST_BY_DELIVERY, rs -> new AttemptView(
                rs.getInt(1), rs.getObject(2, OffsetDateTime.class), rs.getInt(3), rs.getString(4), (Integer) rs.getObject(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9)), deliveryId, organizationId, limit));
    }
}
