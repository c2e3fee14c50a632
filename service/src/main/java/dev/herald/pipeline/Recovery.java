package dev.herald.pipeline;

import dev.herald.infra.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Sends again what a receiver missed while it was down, under the original webhook-ids:
 * <ul>
 *   <li>{@link #recover}: every failed or exhausted delivery of one contact in a window, newest state per subject (for
 *       each subject only its newest delivery to the contact, and only when that one failed and nothing newer for the
 *       subject is queued or running for the contact). Its work unit goes back to the queue with a fresh schedule (from
 *       the finished-work table too); the delivery row, and so the webhook-id, stays.</li>
 *   <li>{@link #redriveMatching}: dead units of an organization by contact, event and window.</li>
 * </ul>
 * Both are idempotent: a unit that is queued again no longer matches, so the same call twice queues nothing twice.
 * Each is one statement. Thread-safe.
 */
final class Recovery {
    /**
     * {@link #recover}: picks the newest delivery per subject of the contact in the window (deliveries_contact_recent_idx),
     * keeps the failed ones with no open unit for the subject, moves their units back from work_units_done when they
     * were moved there, and queues them.
     */
    static final String RECOVER = """
            WITH newest AS (
                SELECT DISTINCT ON (d.subject_type, d.subject_id) d.work_unit_id, d.status, d.subject_type, d.subject_id
                FROM deliveries d
                WHERE d.contact_id = ? AND d.organization_id = ? AND d.created_at >= ? AND d.created_at < ?
                  AND d.subject_type IS NOT NULL
                ORDER BY d.subject_type, d.subject_id, d.created_at DESC, d.id DESC),
            pick AS (
                SELECT n.work_unit_id FROM newest n
                WHERE n.status = 'failed'
                  AND NOT EXISTS (SELECT 1 FROM work_units o
                                  WHERE o.contact_id = ? AND o.subject_type = n.subject_type AND o.subject_id = n.subject_id
                                    AND o.state IN ('queued', 'running'))),
            moved AS (
                DELETE FROM work_units_done w USING pick p
                WHERE w.id = p.work_unit_id AND w.state IN ('failed', 'dead')
                RETURNING w.*),
            back AS (
                INSERT INTO work_units (id, organization_id, subject_type, subject_id, incident_id, event, contact_id, channel,
                                        fingerprint, change_id, state, attempts, max_attempts, run_at, last_error, timings,
                                        created_at, updated_at)
                SELECT id, organization_id, subject_type, subject_id, incident_id, event, contact_id, channel, fingerprint,
                       change_id, 'queued', 0, max_attempts, now(), 'recovered after: ' || coalesce(last_error, 'no error recorded'),
                       timings, created_at, now()
                FROM moved
                ON CONFLICT (id) DO NOTHING
                RETURNING id),
            requeued AS (
                UPDATE work_units w
                SET state = 'queued', attempts = 0, run_at = now(), finished_at = NULL, lease_until = NULL, leased_by = NULL,
                    updated_at = now(), last_error = 'recovered after: ' || coalesce(w.last_error, 'no error recorded')
                FROM pick p
                WHERE w.id = p.work_unit_id AND w.state IN ('failed', 'dead')
                RETURNING w.id),
            wake AS (SELECT pg_notify('herald_work', '') WHERE EXISTS (SELECT 1 FROM back) OR EXISTS (SELECT 1 FROM requeued))
            SELECT (SELECT count(*) FROM back) + (SELECT count(*) FROM requeued), (SELECT count(*) FROM wake)""";
    /** {@link #redriveMatching}: dead units of an organization in a window of finished_at (work_units_dead_org_idx). */
    static final String REDRIVE_MATCHING = """
            WITH r AS (
                UPDATE work_units SET state = 'queued', attempts = 0, run_at = now(), finished_at = NULL, updated_at = now(),
                       last_error = 'redriven after: ' || coalesce(last_error, 'no error recorded')
                WHERE id IN (SELECT id FROM work_units
                             WHERE organization_id = ? AND state = 'dead' AND finished_at >= ? AND finished_at < ?
                               AND (?::uuid IS NULL OR contact_id = ?::uuid) AND (?::text IS NULL OR event = ?::text)
                             ORDER BY finished_at LIMIT ? FOR UPDATE SKIP LOCKED)
                RETURNING id),
            wake AS (SELECT pg_notify('herald_work', '') WHERE EXISTS (SELECT 1 FROM r))
            SELECT (SELECT count(*) FROM r), (SELECT count(*) FROM wake)""";

    private final Database db;

    Recovery(Database db) {
        this.db = db;
    }

    /** Re-queues the contact's failed deliveries in [since, until), newest state per subject; answers how many. */
    int recover(UUID organizationId, UUID contactId, OffsetDateTime since, OffsetDateTime until) {
        return db.write("Recovery.RECOVER", c -> {
            try (PreparedStatement ps = c.prepareStatement(RECOVER)) {
                ps.setObject(1, contactId);
                ps.setObject(2, organizationId);
                ps.setObject(3, since);
                ps.setObject(4, until);
                ps.setObject(5, contactId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /** Re-queues up to {@code limit} dead units of an organization matching the filter; answers how many. */
    int redriveMatching(UUID organizationId, UUID contactId, String event, OffsetDateTime since, OffsetDateTime until, int limit) {
        return db.write("Recovery.REDRIVE_MATCHING", c -> {
            try (PreparedStatement ps = c.prepareStatement(REDRIVE_MATCHING)) {
                ps.setObject(1, organizationId);
                ps.setObject(2, since);
                ps.setObject(3, until);
                ps.setObject(4, contactId);
                ps.setObject(5, contactId);
                ps.setString(6, event);
                ps.setString(7, event);
                ps.setInt(8, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }
}
