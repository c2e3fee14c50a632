package dev.herald.contacts;

import dev.herald.infra.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A contact's endpoint health, kept on its row: consecutive failed sends, since when it has been failing, its last
 * failure, success and error, and its circuit ({@code paused_until}, and how many times it opened without a success in
 * between). The pipeline reports each send's result here; this class decides nothing about timing (the pipeline's
 * delivery policy does) and only writes what it is told. Every statement is one row by primary key (or a bounded batch
 * for {@link #disableLongFailing}), so concurrent processes reporting on one contact serialize on its row lock and
 * count every failure once. Thread-safe.
 */
public final class ContactHealth {
    static final String RECORD_FAILURE = """
            UPDATE contacts SET consecutive_failures = consecutive_failures + 1, failing_since = coalesce(failing_since, now()),
                   last_failure_at = now(), last_error = ?
            WHERE id = ?
            RETURNING organization_id, consecutive_failures, circuit_opens, paused_until, disabled_at IS NOT NULL AS disabled""";
    /** Resets a failing streak; for a healthy contact, refreshes last_success_at only when it is older than asked. */
    static final String RECORD_SUCCESS = """
            UPDATE contacts SET consecutive_failures = 0, failing_since = NULL, circuit_opens = 0, paused_until = NULL,
                   last_success_at = now()
            WHERE id = ? AND (consecutive_failures > 0 OR paused_until IS NOT NULL OR last_success_at IS NULL
                              OR last_success_at < now() - ? * interval '1 millisecond')""";
    /** Opens the circuit unless another process opened it meanwhile; answers until when. */
    static final String OPEN_CIRCUIT = """
            UPDATE contacts SET paused_until = now() + ? * interval '1 millisecond', circuit_opens = circuit_opens + 1
            WHERE id = ? AND consecutive_failures > 0 AND (paused_until IS NULL OR paused_until <= now())
            RETURNING paused_until""";
    static final String DISABLE_LONG_FAILING = """
            UPDATE contacts SET disabled_at = now(),
                   disabled_reason = left('failing since ' || to_char(failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                                          || ': ' || coalesce(last_error, 'no error recorded'), 500)
            WHERE id IN (SELECT id FROM contacts
                         WHERE failing_since < now() - ? * interval '1 millisecond' AND disabled_at IS NULL
                         LIMIT ? FOR UPDATE SKIP LOCKED)
            RETURNING id, organization_id""";
    /**
     * Re-enables a contact of an organization with a clean health record; answers when it had been disabled (null
     * when it was live) and since when it had been failing, or nothing when there is no such contact.
     */
    static final String ENABLE = """
            WITH old AS (SELECT id, disabled_at, failing_since FROM contacts WHERE id = ? AND organization_id = ? FOR UPDATE)
            UPDATE contacts c SET disabled_at = NULL, disabled_reason = NULL, consecutive_failures = 0, failing_since = NULL,
                   paused_until = NULL, circuit_opens = 0
            FROM old WHERE c.id = old.id
            RETURNING old.disabled_at, old.failing_since""";

    /** What a claim read of a contact's health (columns {@code prefix + consecutive_failures} etc.). Immutable. */
    public record Snapshot(int consecutiveFailures, OffsetDateTime lastSuccessAt, OffsetDateTime pausedUntil) {
        /** Reads the health columns a claim selected as {@code prefix + column}. */
        public static Snapshot fromRow(ResultSet rs, String prefix) throws SQLException {
            return new Snapshot(rs.getInt(prefix + "consecutive_failures"),
                    rs.getObject(prefix + "last_success_at", OffsetDateTime.class),
                    rs.getObject(prefix + "paused_until", OffsetDateTime.class));
        }
    }

    /** A contact's state right after a failure was counted. */
    public record AfterFailure(UUID organizationId, int consecutiveFailures, int circuitOpens, OffsetDateTime pausedUntil,
                               boolean disabled) {}

    /** A contact disabled for failing too long. */
    public record Disabled(UUID contactId, UUID organizationId) {}

    private final Database db;

    public ContactHealth(Database db) {
        this.db = db;
    }

    /** Counts one failed send of {@code contactId} ({@code error} is cut to 500 characters); empty when the contact is gone. */
    public Optional<AfterFailure> recordFailure(UUID contactId, String error) {
        return db.write("ContactHealth.RECORD_FAILURE", c -> {
            try (PreparedStatement ps = c.prepareStatement(RECORD_FAILURE)) {
                ps.setString(1, error == null ? null : error.length() <= 500 ? error : error.substring(0, 500));
                ps.setObject(2, contactId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.empty();
                    return Optional.of(new AfterFailure(rs.getObject(1, UUID.class), rs.getInt(2), rs.getInt(3),
                            rs.getObject(4, OffsetDateTime.class), rs.getBoolean(5)));
                }
            }
        });
    }

    /**
     * Records a delivered send: ends a failing streak and closes the circuit; a healthy contact's last success is
     * written only when older than {@code refreshAfter}. True when the row changed.
     */
    public boolean recordSuccess(UUID contactId, Duration refreshAfter) {
        return db.write("ContactHealth.RECORD_SUCCESS", c -> {
            try (PreparedStatement ps = c.prepareStatement(RECORD_SUCCESS)) {
                ps.setObject(1, contactId);
                ps.setLong(2, refreshAfter.toMillis());
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Opens the contact's circuit for {@code open}; answers until when, or empty when it was already open or has recovered. */
    public Optional<OffsetDateTime> openCircuit(UUID contactId, Duration open) {
        return db.write("ContactHealth.OPEN_CIRCUIT", c -> {
            try (PreparedStatement ps = c.prepareStatement(OPEN_CIRCUIT)) {
                ps.setLong(1, open.toMillis());
                ps.setObject(2, contactId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getObject(1, OffsetDateTime.class)) : Optional.empty();
                }
            }
        });
    }

    /** Disables up to {@code limit} live contacts failing for longer than {@code after}; answers which. */
    public List<Disabled> disableLongFailing(Duration after, int limit) {
        return db.write("ContactHealth.DISABLE_LONG_FAILING", c -> {
            try (PreparedStatement ps = c.prepareStatement(DISABLE_LONG_FAILING)) {
                ps.setLong(1, after.toMillis());
                ps.setInt(2, limit);
                List<Disabled> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(new Disabled(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class)));
                }
                return out;
            }
        });
    }

    /**
     * The outcome of {@link #enable}: whether the contact exists, since when it had been disabled (null if live), and
     * since when it had been failing (null if it was not).
     */
    public record Enabled(boolean found, OffsetDateTime wasDisabledAt, OffsetDateTime wasFailingSince) {
        /** Where the trouble began: the failing streak that led to the disabling, else the disabling. */
        public OffsetDateTime troubleSince() {
            return wasFailingSince != null && (wasDisabledAt == null || wasFailingSince.isBefore(wasDisabledAt)) ? wasFailingSince : wasDisabledAt;
        }
    }

    /** Re-enables a contact of {@code organizationId} and clears its health record. */
    public Enabled enable(UUID organizationId, UUID contactId) {
        return db.write("ContactHealth.ENABLE", c -> {
            try (PreparedStatement ps = c.prepareStatement(ENABLE)) {
                ps.setObject(1, contactId);
                ps.setObject(2, organizationId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new Enabled(true, rs.getObject(1, OffsetDateTime.class), rs.getObject(2, OffsetDateTime.class))
                            : new Enabled(false, null, null);
                }
            }
        });
    }
}
