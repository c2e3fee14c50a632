package dev.herald.cli;

import dev.herald.infra.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * The demo's stream of incident changes, written straight to the tables as any writer would (the notification triggers turn
 * each into work units): mostly severity changes of open incidents, some new estimated restorations of their outages,
 * some new incidents. Deterministic for a seed. Not thread-safe: one caller.
 */
final class DemoTraffic {
    static final String OPEN = """
            SELECT id, location_id FROM incidents WHERE organization_id = ? AND status = 'open' AND deleted_at IS NULL ORDER BY id""";
    static final String SEVERITY = """
            UPDATE incidents SET severity = 1 + severity % 5, version = version + 1, updated_at = now() WHERE id = ?""";
    static final String RESTORATION = """
            UPDATE outages SET estimated_restoration = now() + ? * interval '1 minute', updated_at = now()
            WHERE id = (SELECT id FROM outages WHERE incident_id = ? AND deleted_at IS NULL ORDER BY id LIMIT 1)""";
    static final String CREATE = """
            INSERT INTO incidents (id, organization_id, location_id, kind, severity, title)
            VALUES (?, ?, ?, ?, ?, 'demo incident')""";

    private record Open(UUID id, UUID location) {}

    private final Database db;
    private final UUID org;
    private final Random random;
    private final List<Open> open;
    private long changes;

    DemoTraffic(Database db, UUID org, long seed) {
        this.db = db;
        this.org = org;
        this.random = new Random(seed);
        this.open = db.read("Demo.OPEN_INCIDENTS", c -> {
            try (PreparedStatement ps = c.prepareStatement(OPEN)) {
                ps.setObject(1, org);
                List<Open> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(new Open(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class)));
                }
                return out;
            }
        });
        if (open.isEmpty()) throw new CommandFailure("the demo organization has no open incidents to change");
    }

    /** Writes one change (its own transaction) and answers what it was. */
    String next() {
        Open target = open.get(random.nextInt(open.size()));
        int roll = random.nextInt(100);
        changes++;
        if (roll < 75) {
            exec("Demo.CHANGE_SEVERITY", SEVERITY, target.id());
            return "severity";
        }
        if (roll < 90) {
            exec("Demo.CHANGE_RESTORATION", RESTORATION, 30 + random.nextInt(600), target.id());
            return "restoration";
        }
        UUID id = UUID.randomUUID();
        exec("Demo.CREATE_INCIDENT", CREATE, id, org, target.location(), random.nextBoolean() ? "power" : "internet", 1 + random.nextInt(5));
        open.add(new Open(id, target.location()));
        return "created";
    }

    long changes() { return changes; }

    private void exec(String name, String sql, Object... args) {
        db.write(name, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
                return ps.executeUpdate();
            }
        });
    }
}
