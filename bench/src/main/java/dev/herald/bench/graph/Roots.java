package dev.herald.bench.graph;

import dev.herald.graph.NodeRef;
import dev.herald.graph.RecordType;
import dev.herald.infra.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Picks the benchmark's roots among the incidents that have live dependents: typical ones at random (seeded) and the
 * worst ones, those with the most reachable paths (what the old query enumerates), counted over the live edges with
 * back edges ignored.
 */
final class Roots {
    record Picked(List<NodeRef> typical, List<NodeRef> worst, Map<NodeRef, Double> paths, int liveEdges) {}

    static Picked pick(Database db, UUID org, int typical, int worst, long seed) {
        Map<NodeRef, List<NodeRef>> adj = new HashMap<>();
        int[] count = {0};
        db.read("Bench.GRAPH_LIVE_EDGES", c -> {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT blocker_type, blocker_id, dependent_type, dependent_id FROM dependencies
                    WHERE organization_id = ? AND deleted IS NULL ORDER BY id""")) {
                ps.setFetchSize(10_000);
                ps.setObject(1, org);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        NodeRef b = new NodeRef(RecordType.parse(rs.getString(1)), rs.getObject(2, UUID.class));
                        NodeRef d = new NodeRef(RecordType.parse(rs.getString(3)), rs.getObject(4, UUID.class));
                        adj.computeIfAbsent(b, k -> new ArrayList<>()).add(d);
                        count[0]++;
                    }
                }
            } finally {
                c.commit();
                c.setAutoCommit(true);
            }
            return null;
        });
        List<NodeRef> candidates = new ArrayList<>();
        for (NodeRef n : adj.keySet()) if (n.type() == RecordType.INCIDENT) candidates.add(n);
        candidates.sort(Comparator.comparing(NodeRef::id));
        Map<NodeRef, Double> paths = pathCounts(adj);
        List<NodeRef> byPaths = new ArrayList<>(candidates);
        byPaths.sort(Comparator.comparing((NodeRef n) -> -paths.getOrDefault(n, 0.0)).thenComparing(NodeRef::id));
        List<NodeRef> w = List.copyOf(byPaths.subList(0, Math.min(worst, byPaths.size())));
        List<NodeRef> shuffled = new ArrayList<>(candidates);
        Collections.shuffle(shuffled, new Random(seed));
        List<NodeRef> t = List.copyOf(shuffled.subList(0, Math.min(typical, shuffled.size())));
        return new Picked(t, w, paths, count[0]);
    }

    /** Paths starting at each node (itself included), edges to nodes on the current DFS stack ignored; iterative DFS. */
    static Map<NodeRef, Double> pathCounts(Map<NodeRef, List<NodeRef>> adj) {
        Map<NodeRef, Double> done = new HashMap<>();
        Map<NodeRef, Boolean> onStack = new HashMap<>();
        for (NodeRef start : adj.keySet()) {
            if (done.containsKey(start)) continue;
            ArrayDeque<NodeRef> stack = new ArrayDeque<>();
            ArrayDeque<Integer> next = new ArrayDeque<>();
            stack.push(start);
            next.push(0);
            onStack.put(start, true);
            while (!stack.isEmpty()) {
                NodeRef u = stack.peek();
                int i = next.pop();
                List<NodeRef> out = adj.getOrDefault(u, List.of());
                if (i < out.size()) {
                    next.push(i + 1);
                    NodeRef v = out.get(i);
                    if (!done.containsKey(v) && !onStack.containsKey(v)) {
                        stack.push(v);
                        next.push(0);
                        onStack.put(v, true);
                    }
                } else {
                    double p = 1;
                    for (NodeRef v : out) p += done.getOrDefault(v, 0.0);
                    done.put(u, p);
                    onStack.remove(u);
                    stack.pop();
                }
            }
        }
        return done;
    }
}
