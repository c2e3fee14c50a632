package dev.herald.current;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.ApiSettings;
import dev.herald.api.Routes;
import dev.herald.infra.Database;
import dev.herald.json.Json;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The current-incidents view of every organization: maintained write-through by the database (migration V30), served
 * from an in-process cache that answers with the last committed write: always after a write through this process, and
 * for writes elsewhere as soon as the change feed announced them, or after a version check per read with
 * {@code current.consistency=strict} (see {@link CurrentIncidentsCache}), and rebuilt from the source tables on demand ({@link CurrentIncidentsRebuild}).
 * Thread-safe; one per process; {@link #close} stops its change listener.
 */
public final class CurrentIncidents implements CurrentIncidentLookup, AutoCloseable {
    /** The view computed from the source tables right now (the aggregation; for rebuilds, tests and benchmarks). */
    static final String RECOMPUTE_ORG = """
            SELECT incident_id, entry::text FROM current_incidents_fresh WHERE organization_id = ? ORDER BY incident_id""";

    private final Database db;
    private final CurrentSettings settings;
    private final CurrentIncidentsStore store;
    private final CurrentIncidentsCache cache;
    private final CurrentIncidentsListener listener;

    private CurrentIncidents(Database db, CurrentSettings settings) {
        this.db = db;
        this.settings = settings;
        this.store = new CurrentIncidentsStore(db);
        this.listener = new CurrentIncidentsListener(db, settings.listenReconnectDelay(), settings.listenProbeInterval(),
                this::onHint, this::onReconnect);
        this.cache = new CurrentIncidentsCache(store, settings.maxEntries(), settings.cacheTtl(), settings.strict(), listener,
                db::localWrites, settings.feedMaxSilence());
    }

    private void onHint(UUID org, long version) {
        cache.hint(org, version);
    }

    private void onReconnect() {
        cache.invalidateAll();
    }

    /** Wires the view over a migrated database and starts listening for change hints. */
    public static CurrentIncidents start(Database db, CurrentSettings settings) {
        CurrentIncidents ci = new CurrentIncidents(db, settings);
        ci.listener.start();
        return ci;
    }

    /** {@inheritDoc} Version-checked (see {@link CurrentIncidentsCache}); each call returns its own (mutable) JSON tree. */
    @Override
    public Optional<CurrentIncident> get(UUID organizationId, UUID incidentId) {
        return cache.checked(organizationId)
                .map(v -> v.get(incidentId))
                .map(e -> e.toCurrentIncident(organizationId));
    }

    /** Every entry of the organization's view in incident-id order, as served; empty when the organization does not exist. */
    public Optional<List<CurrentIncident>> all(UUID organizationId) {
        return cache.current(organizationId).map(v -> {
            List<CurrentIncident> out = new ArrayList<>(v.size());
            for (CurrentIncidentsView.Entry e : v.entries().values()) out.add(e.toCurrentIncident(organizationId));
            return out;
        });
    }

    /** The incident ids of the organization's served view in id order (cheap: nothing parsed); empty when it does not exist. */
    public Optional<List<UUID>> incidentIds(UUID organizationId) {
        return cache.current(organizationId).map(v -> v.entries().values().stream().map(e -> e.incidentId).toList());
    }

    /**
     * One page of the served view as the JSON body of {@code GET /incidents/current}: entries after the incident id
     * {@code after} (null for the first page), at most {@code limit}; empty when the organization does not exist.
     */
    public Optional<String> pageJson(UUID organizationId, UUID after, int limit, boolean count) {
        return cache.current(organizationId).map(v -> CurrentIncidentsRoutes.pageJson(v, after, limit, count));
    }

    /**
     * The organization's view recomputed from the source tables now, by incident id (bypasses the stored view and
     * cache). A long read: runs with {@code current.rebuild-timeout} as its statement timeout.
     */
    public Map<UUID, JsonNode> recompute(UUID organizationId) {
        return db.readSnapshot("CurrentIncidents.RECOMPUTE_ORG", settings.rebuildTimeout(), c -> {
            Map<UUID, JsonNode> out = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(RECOMPUTE_ORG)) {
                ps.setObject(1, organizationId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.put(rs.getObject(1, UUID.class), Json.readStored(rs.getString(2), "current-incident entry"));
                }
            }
            return out;
        });
    }

    /** Diff-and-repair of the stored view ({@code ./herald rebuild-view}). */
    public CurrentIncidentsRebuild rebuild() {
        return new CurrentIncidentsRebuild(db, settings.rebuildTimeout());
    }

    /** The HTTP routes {@code GET /incidents/current} and {@code GET /incidents/current/{id}}; register before {@code /incidents/{id}}. */
    public Routes routes(ApiSettings api) {
        return new CurrentIncidentsRoutes(cache, store, api.listDefaultLimit(), api.currentMaxLimit());
    }

    /** True while the change-hint connection is up (diagnostics and tests). */
    public boolean listening() {
        return listener.listening();
    }

    /** Waits until the change feed announced every change of {@code org} committed before the call (tests; see the cache). */
    boolean awaitAnnounced(UUID organizationId, java.time.Duration timeout) throws InterruptedException {
        return cache.awaitAnnounced(organizationId, timeout);
    }

    /** The view version of the organization's cached snapshot, -1 when none is cached (diagnostics and tests). */
    public long cachedVersion(UUID organizationId) {
        return cache.cachedVersion(organizationId);
    }


    @Override
    public void close() {
        listener.close();
    }
}
