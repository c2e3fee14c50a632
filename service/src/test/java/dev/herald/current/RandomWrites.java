package dev.herald.current;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Random writes of every kind to one organization's source tables, straight in SQL (as any writer could): create,
 * update, soft delete and undelete of incidents, outages, internet outages, assets, intel requests and locations;
 * resolutions and reopenings; dependency edges of every type (cycles included), soft and hard deletes; multi-row
 * statements and multi-statement transactions. Not thread-safe: one instance per writer thread.
 */
final class RandomWrites {
    final UUID org;
    private final Random rnd;
    private final List<UUID> locations = new ArrayList<>(), incidents = new ArrayList<>(), outages = new ArrayList<>(),
            internetOutages = new ArrayList<>(), assets = new ArrayList<>(), intel = new ArrayList<>();
    private final UUID assetType = UUID.randomUUID();
    private long writes;

    RandomWrites(Connection c, UUID org, long seed, int initialIncidents) throws SQLException {
        this.org = org;
        this.rnd = new Random(seed);
        sql(c, "INSERT INTO asset_types (id, organization_id, name) VALUES (?, ?, ?)", assetType, org, "type-" + assetType);
        for (int i = 0; i < 6; i++) newLocation(c);
        for (int i = 0; i < initialIncidents; i++) newIncident(c);
        for (int i = 0; i < 8; i++) newAsset(c);
        for (int i = 0; i < 8; i++) newIntel(c);
        for (int i = 0; i < 3; i++) newOutage(c);
        for (int i = 0; i < 2; i++) newInternetOutage(c);
    }

    static UUID newOrganization(Connection c, String name) throws SQLException {
        UUID id = UUID.randomUUID();
        sql(c, "INSERT INTO organizations (id, name) VALUES (?, ?)", id, name);
        return id;
    }

    long writes() {
        return writes;
    }

    /** Applies {@code n} random writes: mostly one per transaction, sometimes a few in one transaction. */
    void apply(DataSource ds, int n) throws SQLException {
        int done = 0;
        while (done < n) {
            int inTx = rnd.nextInt(10) == 0 ? Math.min(n - done, 2 + rnd.nextInt(4)) : 1;
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

    /**
     * Applies {@code n} random writes through Herald's {@link dev.herald.infra.Database} (as its own routes write), so
     * the instance knows a write of its own finished.
     */
    void apply(dev.herald.infra.Database db, int n) {
        int done = 0;
        while (done < n) {
            int inTx = rnd.nextInt(10) == 0 ? Math.min(n - done, 2 + rnd.nextInt(4)) : 1;
            db.write("test.random-writes", c -> {
                for (int i = 0; i < inTx; i++) one(c);
                return null;
            });
            done += inTx;
        }
    }

    /** One random write (one SQL statement). */
    void one(Connection c) throws SQLException {
        writes++;
        switch (rnd.nextInt(30)) {
            case 0, 1 -> newIncident(c);
            case 2 -> sql(c, "UPDATE incidents SET severity = ?, title = ?, updated_at = now(), version = version + 1 WHERE id = ?",
                    1 + rnd.nextInt(5), rnd.nextBoolean() ? null : "t" + rnd.nextInt(100), pick(incidents));
            case 3 -> sql(c, "UPDATE incidents SET location_id = ? WHERE id = ?", pick(locations), pick(incidents));
            case 4 -> sql(c, "UPDATE incidents SET status = 'resolved', resolved_at = now() WHERE id = ? AND status = 'open'", pick(incidents));
            case 5 -> sql(c, "UPDATE incidents SET status = 'open', resolved_at = NULL WHERE id = ? AND status = 'resolved'", pick(incidents));
            case 6 -> sql(c, "UPDATE incidents SET deleted_at = CASE WHEN deleted_at IS NULL THEN now() END WHERE id = ?", pick(incidents));
            case 7 -> newOutage(c);
            case 8 -> sql(c, "UPDATE outages SET customers_affected = ?, estimated_restoration = now() + interval '1 hour' * ?, updated_at = now() WHERE id = ?",
                    rnd.nextInt(1000), rnd.nextInt(10), pick(outages));
            case 9 -> sql(c, "UPDATE outages SET incident_id = ?, location_id = ? WHERE id = ?", pick(incidents),
                    rnd.nextInt(4) == 0 ? null : pick(locations), pick(outages));
            case 10 -> sql(c, "UPDATE outages SET deleted_at = CASE WHEN deleted_at IS NULL THEN now() END WHERE id = ?", pick(outages));
            case 11 -> newInternetOutage(c);
            case 12 -> sql(c, "UPDATE internet_outages SET service = ?, updated_at = now() WHERE id = ?", "svc" + rnd.nextInt(9), pick(internetOutages));
            case 13 -> sql(c, "UPDATE internet_outages SET deleted_at = CASE WHEN deleted_at IS NULL THEN now() END WHERE id = ?", pick(internetOutages));
            case 14 -> newAsset(c);
            case 15 -> sql(c, "UPDATE assets SET name = ?, location_id = ?, updated_at = now() WHERE id = ?", "asset" + rnd.nextInt(100), pick(locations), pick(assets));
            case 16 -> sql(c, "UPDATE assets SET deleted_at = CASE WHEN deleted_at IS NULL THEN now() END WHERE id = ?", pick(assets));
            case 17 -> newIntel(c);
            case 18 -> sql(c, "UPDATE intel_requests SET question = ?, status = ? WHERE id = ?", "q" + rnd.nextInt(100),
                    List.of("open", "answered", "closed").get(rnd.nextInt(3)), pick(intel));
            case 19 -> sql(c, "UPDATE intel_requests SET parent_id = ? WHERE id = ?", rnd.nextInt(3) == 0 ? null : pick(intel), pick(intel));
            case 20 -> sql(c, "UPDATE intel_requests SET deleted_at = CASE WHEN deleted_at IS NULL THEN now() END WHERE id = ?", pick(intel));
            case 21 -> newLocation(c);
            case 22 -> sql(c, "UPDATE locations SET locality = ?, lat = ? WHERE id = ?", "city" + rnd.nextInt(50), rnd.nextDouble() * 80 + 0.5, pick(locations));
            case 23 -> sql(c, "UPDATE locations SET deleted_at = CASE WHEN deleted_at IS NULL THEN now() END WHERE id = ?", pick(locations));
            case 24, 25, 26 -> newEdge(c, "incident", pick(incidents), rnd.nextBoolean() ? "asset" : "intel_request");
            case 27 -> newEdge(c, rnd.nextBoolean() ? "intel_request" : "asset", null, rnd.nextBoolean() ? "intel_request" : "incident");
            case 28 -> sql(c, """
                    UPDATE dependencies SET deleted = now() WHERE id IN (
                        SELECT id FROM dependencies WHERE organization_id = ? AND deleted IS NULL ORDER BY random() LIMIT ?)""",
                    org, 1 + rnd.nextInt(3));
            default -> bulk(c);
        }
    }

    private void bulk(Connection c) throws SQLException {
        switch (rnd.nextInt(5)) {
            case 0 -> sql(c, "UPDATE locations SET region = ? WHERE organization_id = ? AND random() < 0.5", "r" + rnd.nextInt(9), org);
            case 1 -> sql(c, "UPDATE assets SET name = name || '.' WHERE organization_id = ? AND random() < 0.3", org);
            case 2 -> sql(c, "DELETE FROM dependencies WHERE id IN (SELECT id FROM dependencies WHERE organization_id = ? ORDER BY random() LIMIT 2)", org);
            case 3 -> sql(c, "DELETE FROM outages WHERE id = ?", pick(outages));
            default -> sql(c, "UPDATE intel_requests SET status = 'open' WHERE organization_id = ? AND random() < 0.3", org);
        }
    }

    private void newLocation(Connection c) throws SQLException {
        UUID id = UUID.randomUUID();
        sql(c, "INSERT INTO locations (id, organization_id, lat, lon, thoroughfare, locality, postcode) VALUES (?, ?, ?, ?, ?, ?, ?)",
                id, org, rnd.nextDouble() * 80 + 0.25, rnd.nextDouble() * 170 + 0.125, rnd.nextInt(100) + " Main St", "city" + rnd.nextInt(50), null);
        locations.add(id);
    }

    private void newIncident(Connection c) throws SQLException {
        UUID id = UUID.randomUUID();
        sql(c, "INSERT INTO incidents (id, organization_id, location_id, kind, severity, title) VALUES (?, ?, ?, ?, ?, ?)",
                id, org, pick(locations), List.of("power", "internet", "other").get(rnd.nextInt(3)), 1 + rnd.nextInt(5), "incident " + rnd.nextInt(1000));
        incidents.add(id);
    }

    private void newOutage(Connection c) throws SQLException {
        UUID id = UUID.randomUUID();
        sql(c, "INSERT INTO outages (id, organization_id, incident_id, location_id, utility, customers_affected) VALUES (?, ?, ?, ?, ?, ?)",
                id, org, pick(incidents), rnd.nextInt(5) == 0 ? null : pick(locations), "utility" + rnd.nextInt(5), rnd.nextInt(3) == 0 ? null : rnd.nextInt(5000));
        outages.add(id);
    }

    private void newInternetOutage(Connection c) throws SQLException {
        UUID id = UUID.randomUUID();
        sql(c, "INSERT INTO internet_outages (id, organization_id, incident_id, provider, service) VALUES (?, ?, ?, ?, ?)",
                id, org, pick(incidents), "isp" + rnd.nextInt(4), rnd.nextBoolean() ? null : "fiber");
        internetOutages.add(id);
    }

    private void newAsset(Connection c) throws SQLException {
        UUID id = UUID.randomUUID();
        sql(c, "INSERT INTO assets (id, organization_id, asset_type_id, location_id, name) VALUES (?, ?, ?, ?, ?)",
                id, org, assetType, pick(locations), "asset" + rnd.nextInt(100));
        assets.add(id);
    }

    private void newIntel(Connection c) throws SQLException {
        UUID id = UUID.randomUUID();
        sql(c, "INSERT INTO intel_requests (id, organization_id, parent_id, question) VALUES (?, ?, ?, ?)",
                id, org, intel.isEmpty() || rnd.nextBoolean() ? null : pick(intel), "is it on generator? " + rnd.nextInt(100));
        intel.add(id);
    }

    private void newEdge(Connection c, String blockerType, UUID blocker, String dependentType) throws SQLException {
        UUID b = blocker != null ? blocker : pickOf(blockerType);
        UUID d = pickOf(dependentType);
        if (b.equals(d)) return;
        sql(c, """
                INSERT INTO dependencies (organization_id, blocker_type, blocker_id, dependent_type, dependent_id) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (blocker_type, blocker_id, dependent_type, dependent_id) WHERE deleted IS NULL DO NOTHING""",
                org, blockerType, b, dependentType, d);
    }

    private UUID pickOf(String type) {
        return switch (type) {
            case "incident" -> pick(incidents);
            case "asset" -> pick(assets);
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
