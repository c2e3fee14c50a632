package dev.herald.cli;

import dev.herald.infra.Database;
import java.io.PrintStream;
import java.time.Duration;
import java.util.UUID;

/**
 * The demo's impact scene: a new incident reaches a new tower through an intel request (incident -> intel request ->
 * asset), a contact subscribed to {@code impact.started} and {@code impact.cleared} for that tower hears that it is
 * affected, with the path, and then, once the incident is resolved, that it is clear. Prints both as the receiver
 * saw them. Writes straight to the tables, as any writer would (the impact triggers compute the rest). One caller.
 */
final class DemoImpact {
    private final Database db;
    private final UUID org;

    DemoImpact(Database db, UUID org) {
        this.db = db;
        this.org = org;
    }

    /** The tower the scene is about, created with its location, type and the intel request it depends on. */
    record Scene(UUID tower, UUID intel, UUID location) {}

    Scene prepare() {
        Scene s = new Scene(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        UUID type = UUID.randomUUID();
        exec("INSERT INTO locations (id, organization_id, lat, lon, locality, region) VALUES (?, ?, 51.51, -0.13, 'Westminster', 'London')", s.location(), org);
        exec("INSERT INTO asset_types (id, organization_id, name) VALUES (?, ?, ?)", type, org, "demo tower " + type);
        exec("INSERT INTO assets (id, organization_id, asset_type_id, location_id, name) VALUES (?, ?, ?, ?, 'Demo cell tower')", s.tower(), org, type, s.location());
        exec("INSERT INTO intel_requests (id, organization_id, question) VALUES (?, ?, 'Is the tower''s backhaul on the affected feeder?')", s.intel(), org);
        exec("INSERT INTO dependencies (organization_id, blocker_type, blocker_id, dependent_type, dependent_id) VALUES (?, 'intel_request', ?, 'asset', ?)",
                org, s.intel(), s.tower());
        return s;
    }

    /** Opens an incident that reaches the tower, waits for impact.started, resolves it, waits for impact.cleared. */
    boolean play(Scene s, DemoReceiver receiver, PrintStream out, Duration wait) throws InterruptedException {
        UUID incident = UUID.randomUUID();
        exec("INSERT INTO incidents (id, organization_id, location_id, kind, severity, title) VALUES (?, ?, ?, 'power', 4, 'Demo feeder fault')",
                incident, org, s.location());
        exec("INSERT INTO dependencies (organization_id, blocker_type, blocker_id, dependent_type, dependent_id) VALUES (?, 'incident', ?, 'intel_request', ?)",
                org, incident, s.intel());
        String started = receiver.awaitFirst("impact.started", wait);
        out.println("The tower became affected (impact.started, with the path from the incident), as the receiver saw it:");
        out.println(started == null ? "  (not received within " + wait.toSeconds() + " s)" : started.indent(2));
        exec("UPDATE incidents SET status = 'resolved', resolved_at = now(), updated_at = now() WHERE id = ?", incident);
        String cleared = receiver.awaitFirst("impact.cleared", wait);
        out.println("Nothing reaches it any more (impact.cleared), as the receiver saw it:");
        out.println(cleared == null ? "  (not received within " + wait.toSeconds() + " s)" : cleared.indent(2));
        return started != null && cleared != null;
    }

    private void exec(String sql, Object... params) {
        db.write("Demo.IMPACT", c -> {
            try (var ps = c.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) ps.setObject(i + 1, params[i]);
                return ps.executeUpdate();
            }
        });
    }
}
