package dev.herald.graph;

import dev.herald.api.ApiSettings;
import dev.herald.api.Routes;
import dev.herald.infra.Database;
import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The dependency graph feature: resolution, direct lookups and edge writes for every organization.
 *
 * <p><b>Which strategy serves.</b> An organization's in-memory snapshot serves when it is current (its version equals
 * {@code graph_versions}, checked with one primary-key read per call); otherwise the one-statement recursive SQL serves
 * and the snapshot is reloaded in the background. Organizations with more live edges than {@code graph.snapshot-max-edges}
 * are always served by SQL. Measured on the large profile ({@code ./herald bench graph}): memory answers in microseconds
 * where SQL takes milliseconds, and both return the same nodes and distances (tests hold them equal).
 *
 * <p>Results: per root, nodes sorted by distance, then type, then id (as text). Thread-safe; one per process.
 */
public final class Graph implements DependencyResolver, AutoCloseable {
    /** Which strategy answers a resolution; {@link #AUTO} applies the rule above. */
    public enum Strategy { AUTO, MEMORY, SQL }

    private static final Comparator<Reached> ORDER = Comparator.comparingInt(Reached::distance)
            .thenComparing(r -> r.node().type())
            .thenComparing(r -> r.node().id(), Graph::compareAsText);

    /** The order of the canonical text form (unsigned), unlike {@link UUID#compareTo}. */
    private static int compareAsText(UUID a, UUID b) {
        int c = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return c != 0 ? c : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }

    private final Database db;
    private final GraphSettings settings;
    private final SqlResolution sql;
    private final Snapshots snapshots; // null when snapshots are off
    private volatile ChangeListener listener; // started on the first snapshot use, so short CLI commands never open it
    private boolean closed;
    private final Edges edges;
    private final Counter servedByMemory;
    private final Counter servedBySql;

    public Graph(Database db, GraphSettings settings) {
        this.db = db;
        this.settings = settings;
        this.sql = new SqlResolution(db);
        this.edges = new Edges(db);
        boolean on = settings.snapshots();
        this.snapshots = on ? new Snapshots(db, settings.snapshotMaxEdges(), settings.snapshotIdle()) : null;
        var registry = db.metrics().registry();
        this.servedByMemory = Counter.builder("herald.graph.resolutions").tag("served_by", "memory")
                .description("Graph resolutions by the strategy that served them").register(registry);
        this.servedBySql = Counter.builder("herald.graph.resolutions").tag("served_by", "sql")
                .description("Graph resolutions by the strategy that served them").register(registry);
    }

    @Override
    public Map<NodeRef, List<Reached>> resolve(UUID organizationId, Collection<NodeRef> roots, Direction direction,
                                               int maxDistance, Set<RecordType> types, boolean withPath) {
        return resolve(Strategy.AUTO, organizationId, roots, direction, maxDistance, types, withPath);
    }

    /**
     * {@link #resolve(UUID, Collection, Direction, int, Set, boolean)} by a chosen strategy (benchmarks compare them).
     * {@link Strategy#MEMORY} loads a current snapshot first when needed (falling back to SQL past the edge bound).
     */
    public Map<NodeRef, List<Reached>> resolve(Strategy strategy, UUID organizationId, Collection<NodeRef> roots,
                                               Direction direction, int maxDistance, Set<RecordType> types, boolean withPath) {
        if (maxDistance < 1) throw new IllegalArgumentException("maxDistance must be at least 1, got " + maxDistance);
        Snapshot s = null;
        if (snapshots != null && strategy != Strategy.SQL) {
            if (listener == null) listen();
            s = snapshots.current(organizationId);
            if (s == null && strategy == Strategy.MEMORY) s = snapshots.loadNow(organizationId);
        }
        Map<NodeRef, List<Reached>> r;
        if (s != null) {
            servedByMemory.increment();
            r = s.resolve(roots, direction, maxDistance, types, withPath);
        } else {
            servedBySql.increment();
            r = sql.resolve(organizationId, roots, direction, maxDistance, types, withPath);
        }
        Map<NodeRef, List<Reached>> sorted = new LinkedHashMap<>();
        r.forEach((root, list) -> {
            List<Reached> l = new ArrayList<>(list);
            l.sort(ORDER);
            sorted.put(root, List.copyOf(l));
        });
        return sorted;
    }

    @Override
    public List<Edge> direct(UUID organizationId, NodeRef node, Direction direction) {
        return edges.direct(organizationId, node, direction);
    }

    /** Loads the current snapshot of an organization now (e.g. at startup or before a benchmark); false when it stays in SQL. */
    public boolean preload(UUID organizationId) {
        if (snapshots == null) return false;
        listen();
        return snapshots.loadNow(organizationId) != null;
    }

    private synchronized void listen() {
        if (listener == null && !closed) listener = new ChangeListener(db, snapshots, settings.listenReconnectDelay(), settings.listenProbeInterval());
    }

    /** Edge writes and record checks for the HTTP API. */
    Edges edges() { return edges; }

    Database db() { return db; }

    @Override
    public synchronized void close() {
        closed = true;
        if (listener != null) listener.close();
        if (snapshots != null) snapshots.close();
    }

    /** The HTTP routes of dependency resolution. */
    public Routes routes(ApiSettings api) {
        return new GraphRoutes(this, settings, api);
    }
}
