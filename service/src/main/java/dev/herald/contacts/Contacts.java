package dev.herald.contacts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.ApiSettings;
import dev.herald.api.Page;
import dev.herald.api.PageRequest;
import dev.herald.api.Routes;
import dev.herald.config.RetrySchedule;
import dev.herald.infra.Database;
import dev.herald.json.Json;
import dev.herald.records.ListSql;
import dev.herald.records.RecordSql;
import dev.herald.organizations.Organizations;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Contacts of organizations: where notifications go. Secrets (the webhook signing secret, outbound auth credentials)
 * are written once and only ever read back by {@link #target} for sending; the {@link Contact} view never holds them.
 * Every read is scoped by organization. Thread-safe.
 */
public final class Contacts {
    static final String INSERT = """
            INSERT INTO contacts (id, organization_id, channel, target, secret, outbound_auth, throttle, subscription,
                                  operational, retry_schedule_ms, name, description, rate_limit, public_key)
            VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?::jsonb, ?)
            RETURNING created_at""";
    private static final String COLUMNS = """
            id, organization_id, channel, target, outbound_auth::text, throttle::text, subscription::text, disabled_at, disabled_reason, created_at,
            operational, retry_schedule_ms, consecutive_failures, failing_since, last_failure_at, last_success_at, last_error, paused_until,
            name, description, deleted_at, rate_limit::text, CASE WHEN previous_secret_until > now() THEN previous_secret_until END,
            public_key""";
    static final String FIND = "SELECT " + COLUMNS + " FROM contacts WHERE id = ? AND organization_id = ?";
    /** Every contact of an organization that is not deleted, disabled ones too, oldest first. */
    static final ListSql LIST_BY_ORG = new ListSql("Contacts.LIST_BY_ORG", COLUMNS,
            "contacts WHERE organization_id = ? AND deleted_at IS NULL", ListSql.Order.OLDEST_FIRST);
    /** The organization of a contact, whoever asks (the routes scope it to the caller). */
    static final String ORGANIZATION_OF = "SELECT organization_id FROM contacts WHERE id = ?";
    /** A live contact with its secrets, for a test send. */
    static final String TARGET = """
            SELECT id AS c_id, organization_id AS c_organization_id, channel AS c_channel, target AS c_target, secret AS c_secret,
                   outbound_auth AS c_outbound_auth, throttle AS c_throttle, disabled_at AS c_disabled_at,
                   CASE WHEN previous_secret_until > now() THEN previous_secret END AS c_previous_secret, rate_limit AS c_rate_limit
            FROM contacts WHERE id = ? AND organization_id = ? AND deleted_at IS NULL""";
    /** Longest disabled_reason kept; a receiver's longer answer is cut. */
    static final int MAX_REASON_CHARS = 500;
    static final String DISABLE = """
            UPDATE contacts SET disabled_at = now(), disabled_reason = ? WHERE id = ? AND disabled_at IS NULL""";

    /** A contact as the API shows it: never a secret. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Contact(UUID id, UUID organizationId, String channel, String target, JsonNode throttle, JsonNode subscription,
                          JsonNode outboundAuth, boolean disabled, OffsetDateTime disabledAt, String disabledReason, OffsetDateTime createdAt,
                          boolean operational, List<String> retrySchedule, Health health, String name, String description,
                          OffsetDateTime deletedAt, JsonNode rateLimit, OffsetDateTime previousSecretValidUntil, String signing,
                          String publicKey) {}

    /** How a webhook contact's deliveries are signed: HMAC-SHA256 with a shared secret (v1), or Ed25519 (v1a). */
    public static final String HMAC = "hmac-sha256";
    public static final String ED25519 = "ed25519";

    /**
     * A contact's endpoint health as the API shows it: consecutive failed sends, since when it has been failing (null
     * when healthy), its last failure, success and error, and until when its circuit holds its deliveries back.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Health(String status, int consecutiveFailures, OffsetDateTime failingSince, OffsetDateTime lastFailureAt,
                         OffsetDateTime lastSuccessAt, String lastError, OffsetDateTime pausedUntil) {}

    /** A validated new contact; {@code secret} and {@code auth} are secrets. */
    record NewContact(UUID organizationId, Channel channel, String target, String secret, OutboundAuth auth, JsonNode throttle,
                      JsonNode subscription, boolean operational, RetrySchedule retrySchedule, String name, String description,
                      JsonNode rateLimit, String publicKey) {
        @Override
        public String toString() { return "NewContact[" + channel.wire() + " " + target + "]"; }
    }

    private final Database db;

    public Contacts(Database db) {
        this.db = db;
    }

    Contact create(NewContact c) {
        UUID id = UUID.randomUUID();
        db.write("Contacts.INSERT", conn -> {
            Subscriptions.references(conn, c.organizationId(), c.subscription());
            try (PreparedStatement ps = conn.prepareStatement(INSERT)) {
                ps.setObject(1, id);
                ps.setObject(2, c.organizationId());
                ps.setString(3, c.channel().wire());
                ps.setString(4, c.target());
                ps.setString(5, c.secret());
                ps.setString(6, c.auth() == null ? null : c.auth().toStored().toString());
                ps.setString(7, c.throttle() == null ? "{}" : c.throttle().toString());
                ps.setString(8, c.subscription() == null ? "{}" : c.subscription().toString());
                ps.setBoolean(9, c.operational());
                ps.setArray(10, c.retrySchedule() == null ? null : RecordSql.int8Array(conn, c.retrySchedule().delaysMs()));
                ps.setString(11, c.name());
                ps.setString(12, c.description());
                ps.setString(13, c.rateLimit() == null ? null : c.rateLimit().toString());
                ps.setString(14, c.publicKey());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return null;
                }
            }
        });
        return find(c.organizationId(), id).orElseThrow();
    }

    /** The contact of {@code organizationId} with that id, or empty (also when it belongs to another organization). */
    public Optional<Contact> find(UUID organizationId, UUID id) {
        return db.read("Contacts.FIND", conn -> {
            try (PreparedStatement ps = conn.prepareStatement(FIND)) {
                ps.setObject(1, id);
                ps.setObject(2, organizationId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(view(rs)) : Optional.empty();
                }
            }
        });
    }

    /** One page of an organization's contacts, oldest first. */
    public Page<Contact> list(UUID organizationId, PageRequest req) {
        return RecordSql.page(db, LIST_BY_ORG, req, Contacts::view, c -> c.createdAt() + "|" + c.id(), organizationId);
    }

    /**
     * The contact in the current row of a statement that selected the {@code contacts} columns as
     * {@code prefix + column} (id, organization_id, channel, target, secret, outbound_auth, throttle, disabled_at):
     * the pipeline's claim reads its contacts this way, so the column mapping lives here. Holds secrets: never expose.
     */
    public static ContactTarget fromRow(ResultSet rs, String prefix) throws SQLException {
        return new ContactTarget(rs.getObject(prefix + "id", UUID.class), rs.getObject(prefix + "organization_id", UUID.class),
                Channel.parse(rs.getString(prefix + "channel")), rs.getString(prefix + "target"), rs.getString(prefix + "secret"),
                Json.readStored(rs.getString(prefix + "outbound_auth"), "contact outbound_auth"),
                Json.readStored(rs.getString(prefix + "throttle"), "contact throttle"), rs.getObject(prefix + "disabled_at") != null,
                rs.getString(prefix + "previous_secret"), Json.readStored(rs.getString(prefix + "rate_limit"), "contact rate_limit"));
    }

    /** A live (not deleted) contact of {@code organizationId} with its secrets, for a test send; never expose it. */
    public Optional<ContactTarget> target(UUID organizationId, UUID id) {
        return db.read("Contacts.TARGET", conn -> {
            try (PreparedStatement ps = conn.prepareStatement(TARGET)) {
                ps.setObject(1, id);
                ps.setObject(2, organizationId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(fromRow(rs, "c_")) : Optional.empty();
                }
            }
        });
    }

    /**
     * The organization of contact {@code id} when {@code caller} may act on it; 404 alike for another organization's
     * contact and a missing one (deleted ones included: they answer as deleted).
     */
    public UUID organizationFor(dev.herald.api.Caller caller, UUID id) {
        return organizationOf(id).filter(caller::sees).orElseThrow(() -> dev.herald.errors.DomainException.notFound("contact " + id));
    }

    /** The organization of a contact, or empty when there is none (deleted ones included: they answer as deleted). */
    public Optional<UUID> organizationOf(UUID id) {
        return db.read("Contacts.ORGANIZATION_OF", conn -> {
            try (PreparedStatement ps = conn.prepareStatement(ORGANIZATION_OF)) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
                }
            }
        });
    }

    /**
     * Disables a contact (e.g. its webhook answered 410) with a reason cut to {@link #MAX_REASON_CHARS}; true when it
     * was live. The one place a contact is disabled.
     */
    public boolean disable(UUID contactId, String reason) {
        return db.write("Contacts.DISABLE", conn -> {
            try (PreparedStatement ps = conn.prepareStatement(DISABLE)) {
                ps.setString(1, reason == null || reason.length() <= MAX_REASON_CHARS ? reason : reason.substring(0, MAX_REASON_CHARS));
                ps.setObject(2, contactId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static Contact view(ResultSet rs) throws SQLException {
        JsonNode storedAuth = Json.readStored(rs.getString(5), "contact outbound_auth");
        JsonNode authView = storedAuth == null ? null : OutboundAuth.parse(storedAuth).publicView();
        OffsetDateTime disabledAt = rs.getObject(8, OffsetDateTime.class);
        long[] schedule = RecordSql.longs(rs.getArray(12));
        int failures = rs.getInt(13);
        OffsetDateTime failingSince = rs.getObject(14, OffsetDateTime.class);
        OffsetDateTime pausedUntil = rs.getObject(18, OffsetDateTime.class);
        String status = disabledAt != null ? "disabled" : failingSince != null ? "failing" : "healthy";
        Health health = new Health(status, failures, failingSince, rs.getObject(15, OffsetDateTime.class),
                rs.getObject(16, OffsetDateTime.class), rs.getString(17), pausedUntil);
        return new Contact(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                Json.readStored(rs.getString(6), "contact throttle"), Json.readStored(rs.getString(7), "contact subscription"), authView, disabledAt != null, disabledAt, rs.getString(9),
                rs.getObject(10, OffsetDateTime.class), rs.getBoolean(11),
                schedule == null ? null : RetrySchedule.stored(schedule).describe(), health, rs.getString(19), rs.getString(20),
                rs.getObject(21, OffsetDateTime.class), Json.readStored(rs.getString(22), "contact rate_limit"),
                rs.getObject(23, OffsetDateTime.class),
                "webhook".equals(rs.getString(3)) ? (rs.getString(24) != null ? ED25519 : HMAC) : null, rs.getString(24));
    }

    /** The HTTP routes of contacts. */
    public Routes routes(Organizations organizations, ContactSettings settings, ApiSettings api) {
        return new ContactRoutes(this, new ContactChanges(db), organizations, settings, api);
    }
}
