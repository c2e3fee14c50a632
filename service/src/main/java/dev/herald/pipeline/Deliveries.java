package dev.herald.pipeline;

import dev.herald.api.Page;
import dev.herald.api.PageRequest;
import dev.herald.errors.DomainException;
import dev.herald.infra.Database;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The delivery log and its idempotency keys: one row per (work unit, contact), whose id is the webhook-id and stays the
 * same across retries and after a crash between send and record (the id is derived from the work unit before its row
 * exists, and the row is written by the ack, see {@link WorkQueue}). Contacts are read and disabled by their owner,
 * {@link dev.herald.contacts.Contacts}. Thread-safe.
 */
final class Deliveries {
    static final String LIST_BY_ORG = """
            SELECT id, organization_id, work_unit_id, contact_id, channel, status, attempts, response_code, error,
                   created_at, sent_at, CASE WHEN ? THEN count(*) OVER () END AS total
            FROM deliveries
            WHERE organization_id = ? AND (?::timestamptz IS NULL OR (created_at, id) < (?::timestamptz, ?::uuid))
            ORDER BY created_at DESC, id DESC LIMIT ?""";
    static final String COUNT_BY_ORG = "SELECT count(*) FROM deliveries WHERE organization_id = ?";

    /**
     * The delivery id (webhook-id) of a work unit's delivery to its contact before a row records it: the same for every
     * attempt and every process, so a send repeated after a crash carries the id of the first (receivers deduplicate
     * on it). Name-based (RFC 4122 version 3) on the unit and contact ids.
     */
    static UUID deliveryId(UUID workUnitId, UUID contactId) {
        return UUID.nameUUIDFromBytes(("herald-delivery/" + workUnitId + "/" + contactId).getBytes(StandardCharsets.UTF_8));
    }

    /** The delivery of a (work unit, contact): its id (the webhook-id), its recorded status (null before any) and attempts so far. */
    record Key(UUID id, String status, int attempts) {
        boolean alreadySent() { return "sent".equals(status); }
    }

    /** One row of {@code GET /deliveries}. */
    public record DeliveryView(UUID id, UUID organizationId, UUID workUnitId, UUID contactId, String channel, String status,
                               int attempts, Integer responseCode, String error, OffsetDateTime createdAt, OffsetDateTime sentAt) {}

    private final Database db;

    public Deliveries(Database db) {
        this.db = db;
    }

    /** The delivery log of one organization, newest first, cursor-paginated by (created_at, id). */
    public Page<DeliveryView> list(UUID organizationId, PageRequest req) {
        OffsetDateTime afterTime = null;
        UUID afterId = null;
        if (req.after() != null) {
            String[] parts = req.after().split("\\|", 2);
            try {
                afterTime = OffsetDateTime.parse(parts[0]);
                afterId = UUID.fromString(parts[1]);
            } catch (RuntimeException e) {
                throw DomainException.malformed("cursor is malformed; pass back the next_cursor of the previous page");
            }
        }
        final OffsetDateTime t = afterTime;
        final UUID i = afterId;
        record Rows(List<DeliveryView> rows, Long total) {}
        Rows rows = db.read("Deliveries.LIST_BY_ORG", c -> {
            try (PreparedStatement ps = c.prepareStatement(LIST_BY_ORG)) {
                ps.setBoolean(1, req.count());
                ps.setObject(2, organizationId);
                ps.setObject(3, t);
                ps.setObject(4, t);
                ps.setObject(5, i);
                ps.setInt(6, req.limit() + 1);
                List<DeliveryView> out = new ArrayList<>();
                Long total = null;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new DeliveryView(rs.getObject("id", UUID.class), rs.getObject("organization_id", UUID.class),
                                rs.getObject("work_unit_id", UUID.class), rs.getObject("contact_id", UUID.class),
                                rs.getString("channel"), rs.getString("status"), rs.getInt("attempts"),
                                (Integer) rs.getObject("response_code"), rs.getString("error"),
                                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("sent_at", OffsetDateTime.class)));
                        total = (Long) rs.getObject("total");
                    }
                }
                return new Rows(out, total);
            }
        });
        Long total = rows.total();
        if (req.count() && total == null) {
            total = db.read("Deliveries.COUNT_BY_ORG", c -> {
                try (PreparedStatement ps = c.prepareStatement(COUNT_BY_ORG)) {
                    ps.setObject(1, organizationId);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getLong(1);
                    }
                }
            });
        }
        return Page.of(rows.rows(), req, d -> d.createdAt() + "|" + d.id(), total);
    }

}
