package dev.herald.pipeline;

import dev.herald.infra.Database;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Rows written straight to the database (as any writer would), so the notification triggers run as they do in production. */
final class Fixtures {
    /** The signing secret of every test contact. */
    static final String SECRET = "whsec_aGVyYWxkLXBpcGVsaW5lLXRlc3Qtc2VjcmV0LTMyYnk=";

    private final Database db;
    final UUID org;
    final UUID location;

    Fixtures(Database db, UUID org) {
        this.db = db;
        this.org = org;
        this.location = UUID.randomUUID();
        exec("INSERT INTO locations (id, organization_id, lat, lon, locality) VALUES (?, ?, 52.5, 13.4, 'Berlin')", location, org);
    }

    UUID contact(String url, String subscriptionJson) {
        UUID id = UUID.randomUUID();
        exec("INSERT INTO contacts (id, organization_id, channel, target, secret, subscription) VALUES (?, ?, 'webhook', ?, ?, ?::jsonb)",
                id, org, url, SECRET, subscriptionJson);
        return id;
    }

    UUID incident(String kind, int severity) {
        UUID id = UUID.randomUUID();
        exec("INSERT INTO incidents (id, organization_id, location_id, kind, severity, title) VALUES (?, ?, ?, ?, ?, 'test')",
                id, org, location, kind, severity);
        return id;
    }

    /** Creates {@code n} incidents in one transaction (one change and its fan-out each). */
    List<UUID> incidents(int n) {
        List<UUID> ids = new ArrayList<>();
        db.write("Test.INCIDENTS", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO incidents (id, organization_id, location_id, kind, severity) VALUES (?, ?, ?, 'power', 3)")) {
                for (int i = 0; i < n; i++) {
                    UUID id = UUID.randomUUID();
                    ids.add(id);
                    ps.setObject(1, id);
                    ps.setObject(2, org);
                    ps.setObject(3, location);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
        return ids;
    }

    void setSeverity(UUID incident, int severity) {
        exec("UPDATE incidents SET severity = ?, version = version + 1, updated_at = now() WHERE id = ?", severity, incident);
    }

    long count(String sql, Object... args) {
        return db.read("Test.COUNT", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** States of all work units (hot and finished), by state. */
    Map<String, Long> states() {
        return db.read("Test.STATES", c -> {
            Map<String, Long> m = new java.util.TreeMap<>();
            try (var rs = c.createStatement().executeQuery(
                    "SELECT state, count(*) FROM (SELECT state FROM work_units UNION ALL SELECT state FROM work_units_done) s GROUP BY state")) {
                while (rs.next()) m.put(rs.getString(1), rs.getLong(2));
            }
            return m;
        });
    }

    void exec(String sql, Object... args) {
        db.write("Test.EXEC", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
                return ps.executeUpdate();
            }
        });
    }
}
