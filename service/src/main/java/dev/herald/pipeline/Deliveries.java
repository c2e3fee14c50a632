package dev.herald.pipeline;

import dev.herald.api.Page;
import dev.herald.api.PageRequest;
import dev.herald.infra.Database;
import dev.herald.records.ListSql;
import dev.herald.records.RecordSql;
import java.nio.charset.StandardCharsets;
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
    private static final String COLUMNS =
            "id, organization_id, work_unit_id, contact_id, channel, status, attempts, response_code, error, created_at, sent_at, "
            + "event, subject_type, subject_id";
    /** The delivery log of one organization, newest first. */
    static final ListSql LIST_BY_ORG = new ListSql("Deliveries.LIST_BY_ORG", COLUMNS,
            "deliveries WHERE organization_id = ?", ListSql.Order.NEWEST_FIRST);
    /** One contact's deliveries, newest first (deliveries_contact_recent_idx). */
    static final ListSql LIST_BY_CONTACT = new ListSql("Deliveries.LIST_BY_CONTACT", COLUMNS,
            "deliveries WHERE organization_id = ? AND contact_id = ?", ListSql.Order.NEWEST_FIRST);
    /** An organization's deliveries of one event type, newest first (deliveries_org_event_idx). */
    static final ListSql LIST_BY_EVENT = new ListSql("Deliveries.LIST_BY_EVENT", COLUMNS,
            "deliveries WHERE organization_id = ? AND event = ?", ListSql.Order.NEWEST_FIRST);
    /** An organization's deliveries of one status, newest first (deliveries_org_status_idx). */
    static final ListSql LIST_BY_STATUS = new ListSql("Deliveries.LIST_BY_STATUS", COLUMNS,
            "deliveries WHERE organization_id = ? AND status = ?", ListSql.Order.NEWEST_FIRST);
    /** The statuses a delivery can have. */
    static final java.util.Set<String> STATUSES = java.util.Set.of("pending", "sent", "failed", "throttled", "superseded");

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
                               int attempts, Integer responseCode, String error, OffsetDateTime createdAt, OffsetDateTime sentAt,
                               String event, String subjectType, UUID subjectId) {}

    /**
     * Filters of {@code GET /deliveries}; each may be null. The most selective present filter picks the query (and so
     * the index): contact, then event, then status; the others and the window ({@code since} inclusive, {@code until}
     * exclusive, on created_at) are added to it.
     */
    record Filter(UUID contactId, String status, String event, OffsetDateTime since, OffsetDateTime until) {}

    private final Database db;

    public Deliveries(Database db) {
        this.db = db;
    }

    /** The delivery log of one organization, newest first, cursor-paginated by (created_at, id). */
    public Page<DeliveryView> list(UUID organizationId, PageRequest req) {
        return list(organizationId, new Filter(null, null, null, null, null), req);
    }

    /** The delivery log of one organization filtered by {@code f}, newest first, cursor-paginated by (created_at, id). */
    Page<DeliveryView> list(UUID organizationId, Filter f, PageRequest req) {
        ListSql base = f.contactId() != null ? LIST_BY_CONTACT : f.event() != null ? LIST_BY_EVENT
                : f.status() != null ? LIST_BY_STATUS : LIST_BY_ORG;
        List<Object> params = new ArrayList<>();
        params.add(organizationId);
        StringBuilder where = new StringBuilder(base.fromWhere());
        if (base == LIST_BY_CONTACT) params.add(f.contactId());
        if (base == LIST_BY_EVENT) params.add(f.event());
        if (base == LIST_BY_STATUS) params.add(f.status());
        if (f.event() != null && base != LIST_BY_EVENT) {
            where.append(" AND event = ?");
            params.add(f.event());
        }
        if (f.status() != null && base != LIST_BY_STATUS) {
            where.append(" AND status = ?");
            params.add(f.status());
        }
        if (f.since() != null) {
            where.append(" AND created_at >= ?");
            params.add(f.since());
        }
        if (f.until() != null) {
            where.append(" AND created_at < ?");
            params.add(f.until());
        }
        ListSql sql = new ListSql(base.name(), base.columns(), where.toString(), base.order());
        return RecordSql.page(db, sql, req, rs -> new DeliveryView(rs.getObject("id", UUID.class),
                rs.getObject("organization_id", UUID.class), rs.getObject("work_unit_id", UUID.class),
                rs.getObject("contact_id", UUID.class), rs.getString("channel"), rs.getString("status"), rs.getInt("attempts"),
                (Integer) rs.getObject("response_code"), rs.getString("error"), rs.getObject("created_at", OffsetDateTime.class),
                rs.getObject("sent_at", OffsetDateTime.class), rs.getString("event"), rs.getString("subject_type"),
                rs.getObject("subject_id", UUID.class)), d -> d.createdAt() + "|" + d.id(), params.toArray());
    }

    /** The organization of a delivery, or empty when there is none. */
    java.util.Optional<UUID> organizationOf(UUID deliveryId) {
        return db.read("Deliveries.ORGANIZATION_OF", c -> RecordSql.query(c, ORGANIZATION_OF,
                rs -> rs.getObject(1, UUID.class), deliveryId).stream().findFirst());
    }

    static final String ORGANIZATION_OF = "SELECT organization_id FROM deliveries WHERE id = ?";
}
