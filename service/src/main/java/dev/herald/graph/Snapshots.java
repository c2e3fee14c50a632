package dev.herald.graph;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.herald.infra.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory snapshots of organizations' graphs, kept coherent with writes from every process: before a snapshot
 * serves, its version is compared with {@code graph_versions} (one primary-key read), which a trigger on
 * {@code dependencies} bumps in the same transaction as any edge change. A stale or missing snapshot never serves; it is
 * reloaded in the background (one load per organization at a time) while SQL answers. Snapshots are bounded by their
 * total edge count and dropped when idle. Thread-safe.
 */
final class Snapshots implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Snapshots.class);

    static final String VERSION = "SELECT version FROM graph_versions WHERE organization_id = ?";
    static final String LOAD_ORG_EDGES = """
            SELECT blocker_type, blocker_id, dependent_type, dependent_id
            FROM dependencies WHERE organization_id = ? AND deleted IS NULL""";

    private final Database db;
    private final int maxEdges;
    private final Cache<UUID, Snapshot> cache;
    private final Map<UUID, CompletableFuture<Snapshot>> loading = new ConcurrentHashMap<>();
    private final Map<UUID, Long> tooLargeAtVersion = new ConcurrentHashMap<>();
    private final ExecutorService loader = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("graph-load-", 0).factory());

    Snapshots(Database db, int maxEdges, Duration idle) {
        this.db = db;
        this.maxEdges = maxEdges;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxEdges)
                .weigher((UUID k, Snapshot s) -> Math.max(1, s.edgeCount()))
                .expireAfterAccess(idle)
                .build();
    }

    /** The current version of an organization's edges (0 when it never had any). */
    long version(UUID org) {
        return db.read("Graph.VERSION", c -> version(c, org));
    }

    private static long version(Connection c, UUID org) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(VERSION)) {
            ps.setObject(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        }
    }

    /** The snapshot of {@code org} if it is current, else null (and a background reload is started). */
    Snapshot current(UUID org) {
        Snapshot s = cache.getIfPresent(org);
        long v = version(org);
        if (s != null && s.version == v) return s;
        Long tooLarge = tooLargeAtVersion.get(org);
        if (tooLarge == null || tooLarge != v) reloadInBackground(org);
        return null;
    }

    /**
     * Loads the snapshot of {@code org} now (joining a load already running); null when it has too many edges. The
     * answer is at least as new as the version when called: a joined load that began before it is followed by another.
     */
    Snapshot loadNow(UUID org) {
        long wanted = version(org);
        Snapshot s = reloadInBackground(org).join();
        if (s != null && s.version < wanted) s = load(org);
        return s;
    }

    /** A hint (NOTIFY) that {@code org} changed: reload it if it is held, so the next reader finds it current. */
    void changed(UUID org) {
        if (cache.getIfPresent(org) != null) reloadInBackground(org);
    }

    /** A hint that every organization may have changed (a truncate). */
    void changedAll() {
        cache.asMap().keySet().forEach(this::reloadInBackground);
    }

    /**
     * Changes may have been missed (the change feed was not listening): reload the held snapshots whose version moved,
     * one primary-key read each; a current snapshot is kept (reloading a large organization costs seconds of CPU).
     */
    void recheckAll() {
        cache.asMap().forEach((org, s) -> {
            if (version(org) != s.version) reloadInBackground(org);
        });
    }

    /**
     * Starts a load of {@code org} unless one is running (then joins it). The future is registered before the load
     * starts and unregistered before it completes, so nobody can join a load that already finished (a load that
     * finished before it was registered used to stay registered and be joined forever after).
     */
    private CompletableFuture<Snapshot> reloadInBackground(UUID org) {
        CompletableFuture<Snapshot> mine = new CompletableFuture<>();
        CompletableFuture<Snapshot> running = loading.putIfAbsent(org, mine);
        if (running != null) return running;
        CompletableFuture<Snapshot> load;
        try {
            load = CompletableFuture.supplyAsync(() -> load(org), loader);
        } catch (java.util.concurrent.RejectedExecutionException e) { // closed
            loading.remove(org, mine);
            mine.completeExceptionally(e);
            return mine;
        }
        load.whenComplete((s, e) -> {
            loading.remove(org, mine);
            if (e != null) {
                log.warn("loading the graph snapshot of organization {} failed: {}", org, e.toString());
                mine.completeExceptionally(e);
            } else {
                mine.complete(s);
            }
        });
        return mine;
    }

    private Snapshot load(UUID org) {
        return db.read("Graph.LOAD_ORG_EDGES", c -> {
            // Version first, edges second: the edges are at least as new as the version, so a snapshot can look older
            // than it is (and be reloaded once more) but never newer than it is.
            long v = version(c, org);
            Snapshot.Builder b = new Snapshot.Builder();
            c.setAutoCommit(false); // lets the driver stream rows with a fetch size instead of buffering them all
            try (PreparedStatement ps = c.prepareStatement(LOAD_ORG_EDGES)) {
                ps.setFetchSize(10_000);
                ps.setObject(1, org);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (b.edgeCount() >= maxEdges) {
                            tooLargeAtVersion.put(org, v);
                            cache.invalidate(org);
                            return null;
                        }
                        b.edge(new NodeRef(RecordType.parse(rs.getString(1)), rs.getObject(2, UUID.class)),
                                new NodeRef(RecordType.parse(rs.getString(3)), rs.getObject(4, UUID.class)));
                    }
                }
            } finally {
                c.commit();
                c.setAutoCommit(true);
            }
            Snapshot s = b.build(v);
            tooLargeAtVersion.remove(org);
            cache.asMap().merge(org, s, (old, neu) -> neu.version >= old.version ? neu : old);
            return s;
        });
    }

    @Override
    public void close() {
        loader.shutdownNow();
    }
}
