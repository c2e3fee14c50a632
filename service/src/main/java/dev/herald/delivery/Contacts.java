package dev.herald.delivery;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.ApiException;
import dev.herald.api.Json;
import dev.herald.api.Page;
import dev.herald.api.PageRequest;
import dev.herald.infra.Database;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
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
            INSERT INTO contacts (id, organization_id, channel, target, secret, outbound_auth, throttle, subscription)
            VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb)
            RETURNING created_at""";
    private static final String COLUMNS = """
            id, organization_id, channel, target, outbound_auth::text, throttle::text, subscription::text, disabled_at, disabled_reason, created_at""";
    static final String FIND = "SELECT " + COLUMNS + " FROM contacts WHERE id = ? AND organization_id = ?";
    private static final String LIST_WHERE = """
             FROM contacts
            WHERE organization_id = ? AND (?::timestamptz IS NULL OR (created_at, id) > (?::timestamptz, ?::uuid))
            ORDER BY created_at, id LIMIT ?""";
    static final String LIST_BY_ORG = "SELECT " + COLUMNS + LIST_WHERE;
    /** The first page with {@code count=true}: the total rides along via the window. */
    static final String LIST_BY_ORG_COUNTED = "SELECT " + COLUMNS + ", COUNT(*) OVER ()" + LIST_WHERE;
    static final String COUNT_BY_ORG = "SELECT count(*) FROM contacts WHERE organization_id = ?";
    static final String TARGET = """
            SELECT id, organization_id, channel, target, secret, outbound_auth::text FROM contacts WHERE id = ?""";
    static final String LIVE_BY_ORG = """
            SELECT id, organization_id, channel, target, secret, outbound_auth::text, subscription::text, throttle::text
            FROM contacts WHERE organization_id = ? AND disabled_at IS NULL ORDER BY created_at, id""";
    static final String DISABLE = """
            UPDATE contacts SET disabled_at = now(), disabled_reason = ? WHERE id = ? AND disabled_at IS NULL""";

    /** A contact as the API shows it: never a secret. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Contact(UUID id, UUID organizationId, String channel, String target, JsonNode throttle, JsonNode subscription,
                          JsonNode outboundAuth, boolean disabled, OffsetDateTime disabledAt, String disabledReason, OffsetDateTime createdAt) {}

    /** A validated new contact; {@code secret} and {@code auth} are secrets. */
    record NewContact(UUID organizationId, Channel channel, String target, String secret, OutboundAuth auth, JsonNode throttle,
                      JsonNode subscription) {
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
            try (PreparedStatement ps = conn.prepareStatement(INSERT)) {
                ps.setObject(1, id);
                ps.setObject(2, c.organizationId());
                ps.setString(3, c.channel().wire());
                ps.setString(4, c.target());
                ps.setString(5, c.secret());
                ps.setString(6, c.auth() == null ? null : c.auth().toStored().toString());
                ps.setString(7, c.throttle() == null ? "{}" : c.throttle().toString());
                ps.setString(8, c.subscription() == null ? "{}" : c.subscription().toString());
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
        OffsetDateTime afterAt = null;
        UUID afterId = null;
        if (req.after() != null) {
            int bar = req.after().indexOf('|');
            try {
                afterAt = OffsetDateTime.parse(req.after().substring(0, Math.max(bar, 0)));
                afterId = UUID.fromString(req.after().substring(bar + 1));
            } catch (DateTimeParseException | IllegalArgumentException | StringIndexOutOfBoundsException e) {
                throw ApiException.badRequest("cursor is malformed; pass back the next_cursor of the previous page");
            }
        }
        final OffsetDateTime at = afterAt;
        final UUID after = afterId;
        boolean windowCount = req.count() && at == null;
        long[] total = {-1};
        List<Contact> rows = db.read(windowCount ? "Contacts.LIST_BY_ORG_COUNTED" : "Contacts.LIST_BY_ORG", conn -> {
            List<Contact> out = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement(windowCount ? LIST_BY_ORG_COUNTED : LIST_BY_ORG)) {
                ps.setObject(1, organizationId);
                ps.setObject(2, at);
                ps.setObject(3, at);
                ps.setObject(4, after);
                ps.setInt(5, req.limit() + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(view(rs));
                        if (windowCount) total[0] = rs.getLong(11);
                    }
                }
            }
            return out;
        });
        Long t = null;
        if (req.count()) {
            t = total[0] >= 0 ? total[0] : db.read("Contacts.COUNT_BY_ORG", conn -> {
                try (PreparedStatement ps = conn.prepareStatement(COUNT_BY_ORG)) {
                    ps.setObject(1, organizationId);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getLong(1);
                    }
                }
            });
        }
        return Page.of(rows, req, c -> c.createdAt() + "|" + c.id(), t);
    }

    /** What a sender needs, secrets included, for the pipeline; empty when the contact does not exist. Never expose it. */
    public Optional<ContactTarget> target(UUID contactId) {
        return db.read("Contacts.TARGET", conn -> {
            try (PreparedStatement ps = conn.prepareStatement(TARGET)) {
                ps.setObject(1, contactId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.empty();
                    return Optional.of(new ContactTarget(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                            Channel.parse(rs.getString(3)), rs.getString(4), rs.getString(5), json(rs.getString(6))));
                }
            }
        });
    }

    /** A live contact for fan-out: where to send, what it subscribed to, its throttle settings (secrets inside: never expose). */
    public record LiveContact(ContactTarget target, Subscription subscription, JsonNode throttle) {}

    /** Every live (not disabled) contact of an organization, oldest first: the fan-out of an event. */
    public List<LiveContact> live(UUID organizationId) {
        return db.read("Contacts.LIVE_BY_ORG", conn -> {
            List<LiveContact> out = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement(LIVE_BY_ORG)) {
                ps.setObject(1, organizationId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ContactTarget t = new ContactTarget(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                                Channel.parse(rs.getString(3)), rs.getString(4), rs.getString(5), json(rs.getString(6)));
                        out.add(new LiveContact(t, Subscription.of(json(rs.getString(7))), json(rs.getString(8))));
                    }
                }
            }
            return out;
        });
    }

    /** Disables a contact (e.g. its webhook answered 410); true when it was live. */
    public boolean disable(UUID contactId, String reason) {
        return db.write("Contacts.DISABLE", conn -> {
            try (PreparedStatement ps = conn.prepareStatement(DISABLE)) {
                ps.setString(1, reason == null ? null : reason.length() > 500 ? reason.substring(0, 500) : reason);
                ps.setObject(2, contactId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static Contact view(ResultSet rs) throws SQLException {
        JsonNode storedAuth = json(rs.getString(5));
        JsonNode authView = storedAuth == null ? null : OutboundAuth.parse(storedAuth).publicView();
        OffsetDateTime disabledAt = rs.getObject(8, OffsetDateTime.class);
        return new Contact(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                json(rs.getString(6)), json(rs.getString(7)), authView, disabledAt != null, disabledAt, rs.getString(9),
                rs.getObject(10, OffsetDateTime.class));
    }

    private static JsonNode json(String s) {
        if (s == null) return null;
        try {
            return Json.mapper().readTree(s);
        } catch (IOException e) {
            throw new IllegalStateException("stored contact JSON is malformed", e);
        }
    }
}
