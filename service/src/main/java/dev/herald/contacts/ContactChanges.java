package dev.herald.contacts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.config.RetrySchedule;
import dev.herald.errors.DomainException;
import dev.herald.infra.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Changes to a contact after it was created: a partial update (PATCH), soft deletion (its queued units are
 * cancelled, in the same transaction), and secret rotation (the old secret stays valid for {@code delivery.secret-overlap}:
 * every webhook carries both signatures meanwhile). Each runs in one transaction on the contact's row lock, so two
 * concurrent changes apply one after the other. Another organization's contact answers exactly like a missing one.
 * Thread-safe.
 */
final class ContactChanges {
    /** The fields a PATCH may change, locked for the update. */
    static final String LOCK = """
            SELECT channel, target, throttle::text, subscription::text, outbound_auth::text, retry_schedule_ms, rate_limit::text,
                   name, description, operational, disabled_at, deleted_at
            FROM contacts WHERE id = ? AND organization_id = ? FOR UPDATE""";
    static final String UPDATE = """
            UPDATE contacts SET target = ?, throttle = ?::jsonb, subscription = ?::jsonb, outbound_auth = ?::jsonb,
                   retry_schedule_ms = ?, rate_limit = ?::jsonb, name = ?, description = ?, operational = ?,
                   disabled_at = CASE WHEN ? THEN NULL WHEN disabled_at IS NULL AND ? THEN now() ELSE disabled_at END,
                   disabled_reason = CASE WHEN ? THEN NULL WHEN disabled_at IS NULL AND ? THEN 'disabled through the API' ELSE disabled_reason END,
                   consecutive_failures = CASE WHEN ? THEN 0 ELSE consecutive_failures END,
                   failing_since = CASE WHEN ? THEN NULL ELSE failing_since END,
                   paused_until = CASE WHEN ? THEN NULL ELSE paused_until END
            WHERE id = ?""";
    static final String DELETE = """
            UPDATE contacts SET deleted_at = now(), disabled_at = coalesce(disabled_at, now()),
                   disabled_reason = coalesce(disabled_reason, 'deleted')
            WHERE id = ? AND organization_id = ? AND deleted_at IS NULL""";
    /** The queue's side of a deletion (SQL {@code herald_cancel_queued}). */
    static final String CANCEL_QUEUED = "SELECT herald_cancel_queued(?, ?)";
    static final String ROTATE = """
            UPDATE contacts SET previous_secret = secret, previous_secret_until = now() + ? * interval '1 millisecond', secret = ?,
                                public_key = ?
            WHERE id = ? AND organization_id = ? AND deleted_at IS NULL AND channel = 'webhook'
            RETURNING previous_secret_until""";
    static final String STATE = "SELECT channel, deleted_at FROM contacts WHERE id = ? AND organization_id = ?";

    /**
     * What a PATCH asks for: each field is null when absent; {@code clear*} when present as JSON null (a field that
     * can be cleared). Secrets inside {@code outboundAuth} are written, never read back.
     */
    record Patch(String target, JsonNode throttle, boolean clearThrottle, JsonNode subscription, boolean clearSubscription,
                 OutboundAuth outboundAuth, boolean clearOutboundAuth, RetrySchedule retrySchedule, boolean clearRetrySchedule,
                 JsonNode rateLimit, boolean clearRateLimit, String name, boolean clearName, String description,
                 boolean clearDescription, Boolean enabled, Boolean operational) {
        @Override
        public String toString() { return "Patch[" + target + "]"; }
    }

    private final Database db;

    ContactChanges(Database db) {
        this.db = db;
    }

    /** The channel of a contact of {@code organizationId}, refusing a deleted one (409) and a missing one (404). */
    Channel channelOfLive(UUID organizationId, UUID id) {
        return db.read("ContactChanges.STATE", c -> {
            try (PreparedStatement ps = c.prepareStatement(STATE)) {
                ps.setObject(1, id);
                ps.setObject(2, organizationId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) throw DomainException.notFound("contact " + id);
                    if (rs.getObject(2) != null) throw DomainException.conflict(null, "contact " + id + " is deleted");
                    return Channel.parse(rs.getString(1));
                }
            }
        });
    }

    /** Applies a validated patch; 404 when there is no such contact, 409 when it is deleted. */
    void apply(UUID organizationId, UUID id, Patch p) {
        db.write("ContactChanges.PATCH", c -> {
            String target, throttle, subscription, auth, rateLimit, name, description;
            java.sql.Array schedule;
            boolean operational;
            try (PreparedStatement ps = c.prepareStatement(LOCK)) {
                ps.setObject(1, id);
                ps.setObject(2, organizationId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) throw DomainException.notFound("contact " + id);
                    if (rs.getObject("deleted_at") != null) throw DomainException.conflict(null, "contact " + id + " is deleted; it cannot be changed");
                    target = p.target() != null ? p.target() : rs.getString("target");
                    throttle = p.clearThrottle() ? "{}" : p.throttle() != null ? p.throttle().toString() : rs.getString(3);
                    subscription = p.clearSubscription() ? "{}" : p.subscription() != null ? p.subscription().toString() : rs.getString(4);
                    auth = p.clearOutboundAuth() ? null : p.outboundAuth() != null ? p.outboundAuth().toStored().toString() : rs.getString(5);
                    schedule = p.clearRetrySchedule() ? null : p.retrySchedule() != null
                            ? dev.herald.records.RecordSql.int8Array(c, p.retrySchedule().delaysMs()) : rs.getArray(6);
                    rateLimit = p.clearRateLimit() ? null : p.rateLimit() != null ? p.rateLimit().toString() : rs.getString(7);
                    name = p.clearName() ? null : p.name() != null ? p.name() : rs.getString(8);
                    description = p.clearDescription() ? null : p.description() != null ? p.description() : rs.getString(9);
                    operational = p.operational() != null ? p.operational() : rs.getBoolean(10);
                }
            }
            if (p.subscription() != null) Subscriptions.references(c, organizationId, p.subscription());
            boolean enable = Boolean.TRUE.equals(p.enabled());
            boolean disable = Boolean.FALSE.equals(p.enabled());
            try (PreparedStatement ps = c.prepareStatement(UPDATE)) {
                ps.setString(1, target);
                ps.setString(2, throttle);
                ps.setString(3, subscription);
                ps.setString(4, auth);
                ps.setArray(5, schedule);
                ps.setString(6, rateLimit);
                ps.setString(7, name);
                ps.setString(8, description);
                ps.setBoolean(9, operational);
                ps.setBoolean(10, enable);
                ps.setBoolean(11, disable);
                ps.setBoolean(12, enable);
                ps.setBoolean(13, disable);
                ps.setBoolean(14, enable);
                ps.setBoolean(15, enable);
                ps.setBoolean(16, enable);
                ps.setObject(17, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Soft-deletes a contact and cancels its queued units; answers how many were cancelled. 404 when missing or already deleted. */
    int delete(UUID organizationId, UUID id) {
        return db.write("ContactChanges.DELETE", c -> {
            try (PreparedStatement ps = c.prepareStatement(DELETE)) {
                ps.setObject(1, id);
                ps.setObject(2, organizationId);
                if (ps.executeUpdate() == 0) throw DomainException.notFound("contact " + id);
            }
            try (PreparedStatement ps = c.prepareStatement(CANCEL_QUEUED)) {
                ps.setObject(1, id);
                ps.setString(2, "cancelled: contact " + id + " was deleted");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /**
     * Replaces a webhook contact's secret with {@code newSecret}; the old one stays valid for {@code overlap} (a second
     * rotation within it drops the oldest). Answers until when the old one is valid. 404 when missing, 409 when deleted,
     * 422 for an email contact.
     */
    OffsetDateTime rotate(UUID organizationId, UUID id, String newSecret, String newPublicKey, Duration overlap) {
        Channel channel = channelOfLive(organizationId, id);
        if (channel != Channel.WEBHOOK) {
            throw DomainException.invalid("channel", "secret rotation applies to webhook contacts only; contact " + id + " is " + channel.wire());
        }
        return db.write("ContactChanges.ROTATE", c -> {
            try (PreparedStatement ps = c.prepareStatement(ROTATE)) {
                ps.setLong(1, overlap.toMillis());
                ps.setString(2, newSecret);
                ps.setString(3, newPublicKey);
                ps.setObject(4, id);
                ps.setObject(5, organizationId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) throw DomainException.notFound("contact " + id);
                    return rs.getObject(1, OffsetDateTime.class);
                }
            }
        });
    }
}
