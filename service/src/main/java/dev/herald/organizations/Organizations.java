package dev.herald.organizations;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.ApiKeys;
import dev.herald.api.Routes;
import dev.herald.config.RetrySchedule;
import dev.herald.infra.Database;
import dev.herald.json.Json;
import dev.herald.records.RecordSql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Organizations: the tenants. Thread-safe. */
public final class Organizations {
    private static final String INSERT = """
            INSERT INTO organizations (id, name, max_distance, every_change, settings, retry_schedule_ms)
            VALUES (?, ?, ?, ?, ?::jsonb, ?)""";
    private static final String FIND = """
            SELECT id, name, max_distance, every_change, settings::text, created_at, retry_schedule_ms FROM organizations WHERE id = ?""";
    /** Sets (or, with NULL, clears) an organization's own retry schedule. */
    static final String SET_RETRY_SCHEDULE = "UPDATE organizations SET retry_schedule_ms = ? WHERE id = ?";

    private final Database db;

    public Organizations(Database db) {
        this.db = db;
    }

    /** An organization as the API shows it. */
    public record Organization(UUID id, String name, Integer maxDistance, boolean everyChange, JsonNode settings, OffsetDateTime createdAt,
                               List<String> retrySchedule) {}

    public Organization create(String name, Integer maxDistance, boolean everyChange, JsonNode settings) {
        return create(name, maxDistance, everyChange, settings, null);
    }

    /** Creates an organization, with its own retry schedule when {@code retrySchedule} is not null. */
    public Organization create(String name, Integer maxDistance, boolean everyChange, JsonNode settings, RetrySchedule retrySchedule) {
        UUID id = UUID.randomUUID();
        String settingsJson = settings == null ? "{}" : settings.toString();
        db.write("Organizations.INSERT", c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setObject(1, id);
                ps.setString(2, name);
                ps.setObject(3, maxDistance);
                ps.setBoolean(4, everyChange);
                ps.setString(5, settingsJson);
                ps.setArray(6, retrySchedule == null ? null : RecordSql.int8Array(c, retrySchedule.delaysMs()));
                return ps.executeUpdate();
            }
        });
        return find(id).orElseThrow();
    }

    public Optional<Organization> find(UUID id) {
        return db.read("Organizations.FIND", c -> {
            try (PreparedStatement ps = c.prepareStatement(FIND)) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.empty();
                    return Optional.of(new Organization(rs.getObject(1, UUID.class), rs.getString(2),
                            (Integer) rs.getObject(3), rs.getBoolean(4), Json.readStored(rs.getString(5), "organization settings"),
                            rs.getObject(6, OffsetDateTime.class), schedule(rs.getArray(7))));
                }
            }
        });
    }

    /** Sets (null: clears) the organization's own retry schedule; false when there is no such organization. */
    public boolean setRetrySchedule(UUID id, RetrySchedule schedule) {
        return db.write("Organizations.SET_RETRY_SCHEDULE", c -> {
            try (PreparedStatement ps = c.prepareStatement(SET_RETRY_SCHEDULE)) {
                ps.setArray(1, schedule == null ? null : RecordSql.int8Array(c, schedule.delaysMs()));
                ps.setObject(2, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static List<String> schedule(java.sql.Array a) throws java.sql.SQLException {
        long[] ms = RecordSql.longs(a);
        return ms == null ? null : RetrySchedule.stored(ms).describe();
    }

    /** The HTTP routes of organizations; {@code maxRetryHorizon} bounds an organization's own retry schedule. */
    public Routes routes(ApiKeys keys, java.time.Duration maxRetryHorizon) {
        return new OrganizationRoutes(this, keys, maxRetryHorizon);
    }
}
