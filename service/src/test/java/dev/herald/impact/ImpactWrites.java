package dev.herald.impact;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Random writes of every kind that can change an organization's impact, straight in SQL (as any writer could):
 * incidents opened, resolved, reopened, soft and hard deleted, undeleted, severity changed; edges of every type added
 * (cycles, diamonds, chains), soft and hard deleted, several in one statement; assets and intel requests created,
 * deleted and undeleted; outages and internet outages added, re-estimated, deleted; the organization's max distance
 * changed; sometimes several writes in one transaction. Not thread-safe: one instance per writer thread.
 */
final class ImpactWrites {
    final UUID org;
    private final Random rnd;
    private final List<UUID> incidents = new ArrayList<>(), outages = new ArrayList<>(), internetOutages = new ArrayList<>(),
            assets = new ArrayList<>(), intel = new ArrayList<>();
    private final UUID assetType = UUID.randomUUID(), location = UUID.randomUUID();
    private long writes;
    /** Test hook: the kinds of write left out (to show the test notices a missing trigger path). */
    final java.util.Set<Integer> skip = new java.util.HashSet<>();
    /** Whether a transaction may hold several writes (off for concurrent writers, see ImpactRandomTest). */
    boolean multiStatement = true;

    ImpactWrites(Connection c, UUID org, long seed, int size) throws SQLException {
        this.org = org;
        this.rnd = new Random(seed);
        sql(c, "INSERT INTO asset_types (id, organization_id, name) VALUES (?, ?, ?)", assetType, org, "type-" + assetType);
        sql(c, "INSERT INTO locations (id, organization_id, lat, lon, region) VALUES (?, ?, 1, 1, 'north')", location, org);
        for (int i = 0; i < size; i++) newIncident(c);
        for (int i = 0; i < size; i++) newAsset(c);
        for (int i = 0; i < size; i++) newIntel(c);
        for (int i = 0; i < size / 2; i++) newOutage(c);
        for (int i = 0; i < 2; i++) newInternetOutage(c);
        for (int i = 0; i < size * 2; i++) newEdge(c);
    }

    static UUID newOrganization(Connection c, String name) throws SQLException {
        UUID id = UUID.randomUUID();
        sql(c, "INSERT INTO organizations (id, name, max_distance) VALUES (?, ?, 4)", id, name);
        return id;
    }

    long writes() {
        return writes;
    }

    /** Applies {@code n} random writes: mostly one per transaction, sometimes a few in one transaction. */
    void apply(DataSource ds, int n) throws SQLException {
        int done = 0;
        while (done < n) {
            int inTx = multiStatement && rnd.nextInt(8) == 0 ? Math.min(n - done, 2 + rnd.nextInt(4)) : 1;
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                try {
                    for (int i = 0; i < inTx; i++) one(c);
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            }
            done += inTx;
        }
    }

    /** One random write (one SQL statement). */
    void one(Connection c) throws SQLException {
        writes++;
        int kind = rnd.nextInt(24);
        if (skip.contains(kind)) return;
        switch (kind) {
            case 0 -> newIncident(c);
            case 1 -> sql(c, "UPDATE incidents SET status = 'resolved', resolved_at = now() WHERE id = ? AND status = 'open'", pick(incidents));
            case 2 -> sql(c, "UPDATE incidents SET status = 'open', resolved_at = NULL WHERE id = ? AND status = 'resolved'", pick(incidents));
            case 3 -> sql(c, "UPDATE incidents SET deleted_at = CASE WHEN deleted_at IS NULL THEN now() END WHERE id = ?", pick(incidents));
            case 4 -> sql(c, "UPDATE incidents SET severity = ? WHERE id = ?", 1 + rnd.nextInt(5), pick(incidents));
            case 5 -> {
                UUID id = pick(incidents);
                if (sql(c, """
                        DELETE FROM incidents i WHERE id = ? AND NOT EXISTS (SELECT 1 FROM outages WHERE incident_id = i.id)
                          AND NOT EXISTS (SELECT 1 FROM internet_outages WHERE incident_id = i.id)""", id) > 0) {
                    incidents.remove(id);
                    if (incidents.isEmpty()) newIncident(c);
                }
            }
            case 6, 7, 8, 9, 10 -> newEdge(c);
            case 11 -> sql(c, """
                    UPDATE dependencies SET deleted = now() WHERE id IN (
                        SELECT id FROM dependencies WHERE organization_id = ? AND deleted IS NULL ORDER BY random() LIMIT ?)""",
                    org, 1 + rnd.nextInt(3));
            case 12 -> sql(c, "DELETE FROM dependencies WHERE id IN (SELECT id FROM dependencies WHERE organization_id = ? ORDER BY random() LIMIT 2)", org);
            case 13 -> {
                String sql = "INSERT INTO dependencies (organization_id, blocker_type, blocker_id, dependent_type, dependent_id) VALUES "
                        + "(?, ?, ?, ?, ?), (?, ?, ?, ?, ?), (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
                List<Object> args = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    Object[] e = randomEdge();
                    if (e[2].equals(e[4])) e = new Object[] {org, "incident", pick(incidents), "asset", pick(assets)};
                    args.addAll(List.of(e));
                }
                sql(c, sql, args.toArray());
            }
            case 14 -> sql(c, "UPDATE assets SET deleted_at = CASE WHEN deleted_at IS NULL THEN now() END WHERE id = ?", pick(assets));
            case 15 -> sql(c, "UPDATE intel_requests SET deleted_at = CASE WHEN deleted_at IS NULL THEN now() END WHERE id = ?", pick(intel));
            case 16 -> { if (rnd.nextBoolean()) newAsset(c); else newIntel(c); }
            case 17 -> sql(c, "UPDATE outages SET estimated_restoration = ? WHERE id = ?", restoration(), pick(outages));
            case 18 -> { if (rnd.nextBoolean()) newOutage(c); else newInternetOutage(c); }
            case 19 -> sql(c, "UPDATE outages SET deleted_at = CASE WHEN deleted_at IS NULL THEN now() END WHERE id = ?", pick(outages));
            case 20 -> sql(c, "UPDATE internet_outages SET estimated_restoration = ? WHERE id = ?", restoration(), pick(internetOutages));
            case 21 -> sql(c, "UPDATE organizations SET max_distance = ? WHERE id = ?", rnd.nextInt(4) == 0 ? null : 1 + rnd.nextInt(5), org);
            case 22 -> sql(c, "UPDATE incidents SET severity = least(5, severity + 1) WHERE organization_id = ? AND random() < 0.3", org);
            default -> sql(c, "UPDATE assets SET name = name || '.' WHERE id = ?", pick(assets)); // changes nothing
        }
    }

    private java.sql.Timestamp restoration() {
        return rnd.nextInt(4) == 0 ? null : java.sql.Timestamp.from(java.time.Instant.parse("2027-01-01T00:00:00Z").plusSeconds(3600L * rnd.nextInt(48)));
    }

    private void newIncident(Connection c) throws SQLException {
        UUID id = UUID.randomUUID();
        sql(c, "INSERT INTO incidents (id, organization_id, location_id, kind, severity) VALUES (?, ?, ?, ?, ?)",
                id, org, location, List.of("power", "internet", "other").get(rnd.nextInt(3)), 1 + rnd.nextInt(5));
        incidents.add(id);
    }

    private void newOutage(Connection c) throws SQLException {
        UUID id = UUID.randomUUID();
        sql(c, "INSERT INTO outages (id, organization_id, incident_id, utility, estimated_restoration) VALUES (?, ?, ?, ?, ?)",
                id, org, pick(incidents), "utility", restoration());
        outages.add(id);
    }

    private void newInternetOutage(Connection c) throws SQLException {
        UUID id = UUID.randomUUID();
        sql(c, "INSERT INTO internet_outages (id, organization_id, incident_id, provider, estimated_restoration) VALUES (?, ?, ?, ?, ?)",
                id, org, pick(incidents), "isp", restoration());
        internetOutages.add(id);
    }

    private void newAsset(Connection c) throws SQLException {
        UUID id = UUID.randomUUID();
        sql(c, "INSERT INTO assets (id, organization_id, asset_type_id, location_id, name) VALUES (?, ?, ?, ?, ?)",
                id, org, assetType, location, "asset" + rnd.nextInt(100));
        assets.add(id);
    }

    private void newIntel(Connection c) throws SQLException {
        UUID id = UUID.randomUUID();
        sql(c, "INSERT INTO intel_requests (id, organization_id, question) VALUES (?, ?, ?)", id, org, "on generator? " + rnd.nextInt(100));
        intel.add(id);
    }

    private Object[] randomEdge() {
        String[] blockerTypes = {"incident", "incident", "intel_request", "intel_request", "asset", "outage"};
        String[] dependentTypes = {"intel_request", "asset", "asset", "intel_request", "incident"};
        String bt = blockerTypes[rnd.nextInt(blockerTypes.length)];
        String dt = dependentTypes[rnd.nextInt(dependentTypes.length)];
        return new Object[] {org, bt, pickOf(bt), dt, pickOf(dt)};
    }

    private void newEdge(Connection c) throws SQLException {
        Object[] e = randomEdge();
        if (e[2].equals(e[4])) return;
        sql(c, """
                INSERT INTO dependencies (organization_id, blocker_type, blocker_id, dependent_type, dependent_id) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (blocker_type, blocker_id, dependent_type, dependent_id) WHERE deleted IS NULL DO NOTHING""", e);
    }

    private UUID pickOf(String type) {
        return switch (type) {
            case "incident" -> pick(incidents);
            case "asset" -> pick(assets);
            case "outage" -> pick(outages);
            default -> pick(intel);
        };
    }

    private UUID pick(List<UUID> ids) {
        return ids.get(rnd.nextInt(ids.size()));
    }

    static int sql(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            return ps.executeUpdate();
        }
    }
}
