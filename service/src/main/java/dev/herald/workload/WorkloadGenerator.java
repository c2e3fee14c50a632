package dev.herald.workload;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Builds one organization's reference workload, deterministically: the same profile and seed give the same rows.
 *
 * <p>The dependency graph has the shapes that broke the earlier system:
 * <ul>
 *   <li><b>Closure chains</b>: the {@code worstIncidents} largest incidents each get a chain of intel requests
 *       {@code closureDepthBase..+2} levels deep in which every child also depends on everything its parent depends on
 *       (all its ancestors and the incident), with assets hanging off every level. A path-enumerating traversal finds
 *       about 2^depth paths there; a node-visiting one finds each node once.</li>
 *   <li><b>Trees</b> of intel requests under the other incidents, chains up to {@code maxTreeDepth}, 40% of them with
 *       closure edges too (diamonds), second parents in other trees, links to other incidents, and back edges that
 *       close cycles.</li>
 *   <li><b>Assets</b> that depend on intel requests and on incidents (the incident's affected assets).</li>
 *   <li>About 5% of edges soft-deleted (never on the closure chains, so the blow-up holds for every seed).</li>
 * </ul>
 * Not thread-safe; use one instance per generation.
 */
final class WorkloadGenerator {
    private static final OffsetDateTime EPOCH = OffsetDateTime.of(2026, 3, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    private static final String[] UTILITIES = {"Duke Energy", "PG&E", "ConEd", "Dominion", "Xcel", "Entergy"};
    private static final String[] PROVIDERS = {"Charter", "Comcast", "AT&T", "Verizon", "Lumen"};
    private static final String[] REGIONS = {"NC", "SC", "VA", "GA", "TN", "FL", "TX", "CA", "NY", "OH"};

    private final Profile profile;
    private final long seed;
    private final SplittableRandom rnd;
    final UUID organizationId;

    final CsvTable organizations = new CsvTable("organizations", "id", "name", "settings");
    final CsvTable locations = new CsvTable("locations", "id", "organization_id", "lat", "lon", "thoroughfare", "locality", "region", "postcode", "created_at");
    final CsvTable assetTypes = new CsvTable("asset_types", "id", "organization_id", "name", "created_at");
    final CsvTable assets = new CsvTable("assets", "id", "organization_id", "asset_type_id", "location_id", "name", "created_at", "updated_at");
    final CsvTable incidents = new CsvTable("incidents", "id", "organization_id", "location_id", "kind", "status", "severity", "title", "started_at", "updated_at", "resolved_at");
    final CsvTable outages = new CsvTable("outages", "id", "organization_id", "incident_id", "location_id", "utility", "customers_affected", "estimated_restoration", "created_at", "updated_at");
    final CsvTable internetOutages = new CsvTable("internet_outages", "id", "organization_id", "incident_id", "provider", "service", "started_at", "estimated_restoration", "created_at", "updated_at");
    final CsvTable intelRequests = new CsvTable("intel_requests", "id", "organization_id", "parent_id", "question", "status", "created_at", "updated_at");
    final CsvTable dependencies = new CsvTable("dependencies", "organization_id", "blocker_type", "blocker_id", "dependent_type", "dependent_id", "created", "deleted");

    // statistics
    long liveEdges;
    long deletedEdges;
    int maxChainDepth;
    long cycleEdges;
    private final Map<UUID, Integer> liveInDegree = new HashMap<>();
    private final Set<String> liveEdgeKeys = new HashSet<>();

    private final List<UUID> openIncidentIds = new ArrayList<>();
    private final Set<UUID> openIncidentSet = new HashSet<>();
    private final List<UUID> allIncidentIds = new ArrayList<>();
    private final List<UUID> assetLocationIds = new ArrayList<>();
    private final List<UUID> assetTypeIds = new ArrayList<>();
    private final List<UUID> treeIrs = new ArrayList<>();   // intel requests outside closure chains
    private final List<UUID> chainIrs = new ArrayList<>();  // intel requests on closure chains (assets attached separately)
    private int irCount;
    private int assetCount;

    WorkloadGenerator(Profile profile, long seed) {
        this.profile = profile;
        this.seed = seed;
        this.rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + profile.ordinal());
        this.organizationId = uuid();
    }

    void generate() {
        organizations.add(organizationId, "Workload " + profile.wire() + " (seed " + seed + ")",
                "{\"workload\": {\"profile\": \"" + profile.wire() + "\", \"seed\": " + seed + "}}");
        for (int i = 0; i < profile.assetTypes; i++) {
            UUID id = uuid();
            assetTypeIds.add(id);
            assetTypes.add(id, organizationId, "type-" + (i + 1), at(0));
        }
        for (int i = 0; i < profile.assetLocations; i++) {
            assetLocationIds.add(location(i));
        }
        generateIncidents();
        generateClosureChains();
        generateTrees();
        generateAssets();
    }

    private void generateIncidents() {
        int total = profile.openIncidents + profile.resolvedIncidents;
        for (int i = 0; i < total; i++) {
            boolean open = i < profile.openIncidents;
            UUID id = uuid();
            UUID loc = location(10_000_000 + i);
            String kind = rnd.nextInt(4) == 0 ? "internet" : "power";
            int severity = 1 + rnd.nextInt(5);
            OffsetDateTime started = at(rnd.nextInt(20 * 24 * 60));
            OffsetDateTime updated = started.plusMinutes(rnd.nextInt(600));
            incidents.add(id, organizationId, loc, kind, open ? "open" : "resolved", severity,
                    kind + " outage #" + (i + 1), started, updated, open ? null : updated.plusMinutes(30));
            allIncidentIds.add(id);
            if (open) {
                openIncidentIds.add(id);
                openIncidentSet.add(id);
            }
            int nOutages = kind.equals("power") ? 1 + rnd.nextInt(3) : rnd.nextInt(2);
            for (int o = 0; o < nOutages; o++) {
                outages.add(uuid(), organizationId, id, location(20_000_000 + i * 4 + o), UTILITIES[rnd.nextInt(UTILITIES.length)],
                        rnd.nextInt(50_000), started.plusHours(2 + rnd.nextInt(48)), started, updated);
            }
            int nInternet = kind.equals("internet") ? 1 + rnd.nextInt(2) : (rnd.nextInt(10) == 0 ? 1 : 0);
            for (int o = 0; o < nInternet; o++) {
                internetOutages.add(uuid(), organizationId, id, PROVIDERS[rnd.nextInt(PROVIDERS.length)],
                        rnd.nextBoolean() ? "broadband" : "fiber", started, started.plusHours(1 + rnd.nextInt(24)), started, updated);
            }
        }
    }

    /** The path-explosion shape: a chain where each level depends on all levels above it and on the incident. */
    private void generateClosureChains() {
        for (int w = 0; w < profile.worstIncidents && w < openIncidentIds.size(); w++) {
            UUID incident = openIncidentIds.get(w);
            int depth = profile.closureDepthBase + (w % 3);
            List<UUID> ancestors = new ArrayList<>();
            UUID parent = null;
            for (int level = 1; level <= depth; level++) {
                UUID ir = intelRequest(parent, "closure chain level " + level);
                chainIrs.add(ir);
                edge("incident", incident, "intel_request", ir, false);
                for (UUID a : ancestors) edge("intel_request", a, "intel_request", ir, false);
                // assets affected at this level, and two plain child intel requests
                for (int k = 0; k < 4; k++) edge("intel_request", ir, "asset", asset(), false);
                for (int k = 0; k < 2; k++) {
                    UUID leaf = intelRequest(ir, "follow-up at level " + level);
                    treeIrs.add(leaf);
                    edge("intel_request", ir, "intel_request", leaf, false);
                }
                ancestors.add(ir);
                parent = ir;
            }
            maxChainDepth = Math.max(maxChainDepth, depth + 1);
        }
    }

    private void generateTrees() {
        int remaining = profile.intelRequests - irCount;
        int nIncidents = allIncidentIds.size();
        int cursor = profile.worstIncidents;
        while (remaining > 0) {
            // trees mostly on open incidents, some on resolved ones
            UUID incident = rnd.nextInt(5) == 0 ? allIncidentIds.get(rnd.nextInt(nIncidents))
                    : openIncidentIds.get(cursor++ % openIncidentIds.size());
            boolean longChain = rnd.nextInt(25) == 0;
            int size = Math.min(remaining, longChain ? profile.maxTreeDepth + 2 : 1 + geometric(5.0));
            boolean closure = rnd.nextInt(10) < 4;
            List<UUID> nodes = new ArrayList<>();
            List<Integer> depths = new ArrayList<>();
            List<List<UUID>> ancestry = new ArrayList<>();
            for (int n = 0; n < size; n++) {
                int p = n == 0 ? -1 : (longChain ? n - 1 : rnd.nextInt(n));
                if (p >= 0 && depths.get(p) >= profile.maxTreeDepth) p = 0;
                UUID parent = p < 0 ? null : nodes.get(p);
                UUID ir = intelRequest(parent, "question " + (irCount + 1));
                treeIrs.add(ir);
                List<UUID> anc = p < 0 ? List.of() : withAppended(ancestry.get(p), parent);
                nodes.add(ir);
                depths.add(p < 0 ? 1 : depths.get(p) + 1);
                ancestry.add(anc);
                maxChainDepth = Math.max(maxChainDepth, depths.get(n));
                if (parent == null || closure) edge("incident", incident, "intel_request", ir, true);
                if (parent != null) {
                    edge("intel_request", parent, "intel_request", ir, true);
                    if (closure) for (UUID a : anc) if (!a.equals(parent)) edge("intel_request", a, "intel_request", ir, true);
                }
            }
            remaining -= size;
            // a back edge closes a cycle: the deepest node blocks the tree's root
            if (size >= 3 && rnd.nextInt(8) == 0) {
                int deepest = 0;
                for (int n = 1; n < size; n++) if (depths.get(n) > depths.get(deepest)) deepest = n;
                if (edge("intel_request", nodes.get(deepest), "intel_request", nodes.get(0), false)) cycleEdges++;
            }
        }
        // second parents in other trees (diamonds across trees) and links to other incidents
        int nTree = treeIrs.size();
        for (int i = 0; i < nTree / 40; i++) {
            edge("intel_request", treeIrs.get(rnd.nextInt(nTree)), "intel_request", treeIrs.get(rnd.nextInt(nTree)), true);
        }
        for (int i = 0; i < nTree / 30; i++) {
            edge("incident", allIncidentIds.get(rnd.nextInt(nIncidents)), "intel_request", treeIrs.get(rnd.nextInt(nTree)), true);
        }
    }

    private void generateAssets() {
        List<UUID> pool = new ArrayList<>();
        while (assetCount < profile.assets) pool.add(asset());
        int nPool = pool.size();
        // affected assets of incidents
        for (UUID incident : allIncidentIds) {
            int n = openIncidentSet.contains(incident) ? 5 + rnd.nextInt(21) : rnd.nextInt(11);
            for (int k = 0; k < n; k++) edge("incident", incident, "asset", pool.get(rnd.nextInt(nPool)), true);
        }
        // assets that depend on intel requests (outside the closure chains); a few depend on nothing
        int nTree = treeIrs.size();
        for (UUID a : pool) {
            if (rnd.nextInt(20) == 0) continue;
            int links = 1 + rnd.nextInt(3);
            for (int k = 0; k < links; k++) edge("intel_request", treeIrs.get(rnd.nextInt(nTree)), "asset", a, true);
        }
    }

    private UUID intelRequest(UUID parent, String question) {
        UUID id = uuid();
        OffsetDateTime created = at(rnd.nextInt(20 * 24 * 60));
        String status = rnd.nextInt(10) < 8 ? "open" : "answered";
        intelRequests.add(id, organizationId, parent, question, status, created, created.plusMinutes(rnd.nextInt(300)));
        irCount++;
        return id;
    }

    private UUID asset() {
        UUID id = uuid();
        OffsetDateTime created = at(rnd.nextInt(1000));
        assets.add(id, organizationId, assetTypeIds.get(rnd.nextInt(assetTypeIds.size())),
                assetLocationIds.get(rnd.nextInt(assetLocationIds.size())), "asset-" + (++assetCount), created, created);
        return id;
    }

    private UUID location(int n) {
        UUID id = uuid();
        double lat = 25 + rnd.nextDouble() * 20;
        double lon = -120 + rnd.nextDouble() * 45;
        locations.add(id, organizationId, Math.round(lat * 1e5) / 1e5, Math.round(lon * 1e5) / 1e5,
                (100 + rnd.nextInt(9000)) + " Main St", "Town " + (n % 997), REGIONS[rnd.nextInt(REGIONS.length)],
                String.format("%05d", rnd.nextInt(100_000)), at(0));
        return id;
    }

    /**
     * Adds an edge unless it would duplicate a live one or be a self edge. {@code mayDelete}: 5% of such edges are
     * written soft-deleted instead of live.
     */
    private boolean edge(String bType, UUID blocker, String dType, UUID dependent, boolean mayDelete) {
        if (blocker.equals(dependent)) return false;
        String key = blocker + ">" + dependent;
        if (liveEdgeKeys.contains(key)) return false;
        OffsetDateTime created = at(rnd.nextInt(20 * 24 * 60));
        if (mayDelete && rnd.nextInt(100) < 6) {
            dependencies.add(organizationId, bType, blocker, dType, dependent, created, created.plusHours(1 + rnd.nextInt(48)));
            deletedEdges++;
            return false;
        }
        liveEdgeKeys.add(key);
        liveInDegree.merge(dependent, 1, Integer::sum);
        dependencies.add(organizationId, bType, blocker, dType, dependent, created, null);
        liveEdges++;
        return true;
    }

    /** Records reachable by two or more live edges (the tips of diamonds). */
    long diamonds() {
        return liveInDegree.values().stream().filter(d -> d >= 2).count();
    }

    private int geometric(double mean) {
        double p = 1.0 / mean;
        return (int) Math.floor(Math.log(1 - rnd.nextDouble()) / Math.log(1 - p));
    }

    private static <T> List<T> withAppended(List<T> list, T item) {
        List<T> r = new ArrayList<>(list.size() + 1);
        r.addAll(list);
        r.add(item);
        return r;
    }

    private UUID uuid() {
        long msb = (rnd.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (rnd.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    private static OffsetDateTime at(int minutes) {
        return EPOCH.plusMinutes(minutes);
    }

    List<CsvTable> tablesInLoadOrder() {
        return List.of(organizations, locations, assetTypes, assets, incidents, outages, internetOutages, intelRequests, dependencies);
    }
}
