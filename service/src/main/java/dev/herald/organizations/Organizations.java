package dev.herald.organizations;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.ApiKeys;
import dev.herald.api.Routes;
import dev.herald.infra.Database;
import dev.herald.json.Json;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

/** Organizations: the tenants. Thread-safe. */
public final class Organizations {
    private static final String INSERT = """
            INSERT INTO organizations (id, name, max_distance, every_change, settings) VALUES (?, ?, ?, ?, ?::jsonb)""";
    private static final String FIND = """
            SELECT id, name, max_distance, every_change, settings::text, created_at FROM organizations WHERE id = ?""";

    private final Database db;

    public Organizations(Database db) {
        this.db = db;
    }

    /** An organization as the API shows it. */
    public record Organization(UUID id, String name, Integer maxDistance, boolean everyChange, JsonNode settings, OffsetDateTime createdAt) {}

    public Organization create(String name, Integer maxDistance, boolean everyChange, JsonNode settings) {
        UUID id = UUID.randomUUID();
        String settingsJson = settings == null ? "{}" : settings.toString();
        db.write("Organizations.INSERT", c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setObject(1, id);
                ps.setString(2, name);
                ps.setObject(3, maxDistance);
                ps.setBoolean(4, everyChange);
                ps.setString(5, settingsJson);
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
                            rs.getObject(6, OffsetDateTime.class)));
                }
            }
        });
    }

    /** The HTTP routes of organizations. */
    public Routes routes(ApiKeys keys) {
        return new OrganizationRoutes(this, keys);
    }
}
