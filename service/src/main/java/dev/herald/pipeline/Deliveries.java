package dev.herald.pipeline;

import dev.herald.api.Page;
import dev.herald.api.PageRequest;
import dev.herald.infra.Database;
import dev.herald.records.ListSql;
import dev.herald.records.RecordSql;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The delivery log and its idempotency keys: one row per (work unit, contact), whose id is the webhook-id and stays the
 * same across retries and after a crash between send and record (the id is derived from the work unit before its row
 * exists, and the row is written by the ack, see {@link WorkQueue}). Contacts are read and disabled by their owner,
 * {@link dev.herald.contacts.Contacts}. Thread-safe.
 */
final class Deliveries {
    /** The delivery log of one organization, newest first. */
    static final ListSql LIST_BY_ORG = new ListSql("Deliveries.LIST_BY_ORG",
            "id, organization_id, work_unit_id, contact_id, channel, status, attempts, response_code, error, created_at, sent_at",
            "deliveries WHERE organization_id = ?", ListSql.Order.NEWEST_FIRST);

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
        return RecordSql.page(db, LIST_BY_ORG, req, rs -> new DeliveryView(rs.getObject("id", UUID.class),
                rs.getObject("organization_id", UUID.class), rs.getObject("work_unit_id", UUID.class),
                rs.getObject("contact_id", UUID.class), rs.getString("channel"), rs.getString("status"), rs.getInt("attempts"),
                (Integer) rs.getObject("response_code"), rs.getString("error"), rs.getObject("created_at", OffsetDateTime.class),
                rs.getObject("sent_at", OffsetDateTime.class)), d -> d.createdAt() + "|" + d.id(), organizationId);
    }
}
