package dev.herald.graph;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * A random dependency graph for tests, shaped like production: incidents blocking intel-request trees with diamonds
 * (second parents), closure chains (a child also depends on everything its parent depends on), cycles (back edges),
 * assets and outages, and soft-deleted edges (some of them the only way to a node). Plus the obvious reference
 * breadth-first search over the live edges, written as plainly as possible.
 */
final class GeneratedGraph {
    record E(NodeRef blocker, NodeRef dependent, boolean deleted) {}

    final UUID org;
    final List<E> edges = new ArrayList<>();
    final List<NodeRef> nodes = new ArrayList<>();
    private final Set<List<NodeRef>> live = new HashSet<>();
    private final Random rnd;

    GeneratedGraph(UUID org, long seed, int incidents) {
        this.org = org;
        this.rnd = new Random(seed);
        for (int i = 0; i < incidents; i++) tree();
    }

    private NodeRef node(RecordType t) {
        NodeRef n = new NodeRef(t, new UUID(rnd.nextLong(), rnd.nextLong()));
        nodes.add(n);
        return n;
    }

    private void edge(NodeRef b, NodeRef d) {
        if (b.equals(d)) return;
        boolean deleted = rnd.nextInt(20) == 0; // ~5% soft-deleted
        if (!deleted && !live.add(List.of(b, d))) return; // live edges are unique
        edges.add(new E(b, d, deleted));
    }

    private void tree() {
        NodeRef incident = node(RecordType.INCIDENT);
        edge(node(RecordType.OUTAGE), incident);
        if (rnd.nextBoolean()) edge(node(RecordType.INTERNET_OUTAGE), incident);
        List<NodeRef> irs = new ArrayList<>();
        int n = 3 + rnd.nextInt(12);
        for (int i = 0; i < n; i++) {
            NodeRef ir = node(RecordType.INTEL_REQUEST);
            NodeRef parent = irs.isEmpty() || rnd.nextInt(4) == 0 ? incident : irs.get(rnd.nextInt(irs.size()));
            edge(parent, ir);
            if (!irs.isEmpty() && rnd.nextInt(5) == 0) edge(irs.get(rnd.nextInt(irs.size())), ir); // diamond
            irs.add(ir);
            if (rnd.nextInt(3) == 0) edge(ir, node(RecordType.ASSET));
        }
        if (rnd.nextInt(3) == 0 && irs.size() > 2) edge(irs.get(irs.size() - 1), irs.get(rnd.nextInt(2))); // cycle
        if (rnd.nextInt(2) == 0) { // closure chain: each level depends on its parent and on all its parent's blockers
            int depth = 3 + rnd.nextInt(5);
            List<NodeRef> chain = new ArrayList<>();
            chain.add(irs.get(rnd.nextInt(irs.size())));
            for (int k = 0; k < depth; k++) {
                NodeRef child = node(RecordType.INTEL_REQUEST);
                for (NodeRef up : chain) edge(up, child);
                chain.add(child);
            }
            if (rnd.nextBoolean()) edge(chain.get(chain.size() - 1), chain.get(1)); // cycle through the chain
        }
    }

    /** Inserts the organization (if needed) and the edges. */
    void insert(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO organizations (id, name) VALUES (?, 'generated') ON CONFLICT DO NOTHING")) {
            ps.setObject(1, org);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO dependencies (organization_id, blocker_type, blocker_id, dependent_type, dependent_id, deleted)
                VALUES (?, ?, ?, ?, ?, ?)""")) {
            for (E e : edges) {
                ps.setObject(1, org);
                ps.setString(2, e.blocker().type().wire());
                ps.setObject(3, e.blocker().id());
                ps.setString(4, e.dependent().type().wire());
                ps.setObject(5, e.dependent().id());
                ps.setTimestamp(6, e.deleted() ? new Timestamp(System.currentTimeMillis()) : null);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The plain reference: BFS over live edges; node -> shortest distance, root excluded. */
    Map<NodeRef, Integer> bfs(NodeRef root, Direction dir, int maxDistance) {
        Map<NodeRef, List<NodeRef>> adj = new HashMap<>();
        for (E e : edges) {
            if (e.deleted()) continue;
            NodeRef from = dir == Direction.DEPENDENTS ? e.blocker() : e.dependent();
            NodeRef to = dir == Direction.DEPENDENTS ? e.dependent() : e.blocker();
            adj.computeIfAbsent(from, k -> new ArrayList<>()).add(to);
        }
        Map<NodeRef, Integer> dist = new LinkedHashMap<>();
        dist.put(root, 0);
        ArrayDeque<NodeRef> q = new ArrayDeque<>(List.of(root));
        while (!q.isEmpty()) {
            NodeRef u = q.poll();
            if (dist.get(u) == maxDistance) continue;
            for (NodeRef v : adj.getOrDefault(u, List.of())) {
                if (!dist.containsKey(v)) {
                    dist.put(v, dist.get(u) + 1);
                    q.add(v);
                }
            }
        }
        dist.remove(root);
        return dist;
    }

    boolean liveEdge(NodeRef blocker, NodeRef dependent) {
        return live.contains(List.of(blocker, dependent));
    }
}
