package dev.herald.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable in-memory adjacency of one organization's live edges at one version: nodes interned to ints, edges in
 * compressed-sparse-row arrays for both directions. Resolution is a breadth-first search per root over int arrays (each
 * node visited once, so diamonds and cycles cost nothing extra). Thread-safe (immutable; each call allocates its own
 * scratch arrays).
 */
final class Snapshot {
    final long version;
    private final NodeRef[] nodes;
    private final Map<NodeRef, Integer> index;
    private final int[] outStart; // blocker -> dependents
    private final int[] outTo;
    private final int[] inStart;  // dependent -> blockers
    private final int[] inTo;

    private Snapshot(long version, NodeRef[] nodes, Map<NodeRef, Integer> index, int[] outStart, int[] outTo, int[] inStart, int[] inTo) {
        this.version = version;
        this.nodes = nodes;
        this.index = index;
        this.outStart = outStart;
        this.outTo = outTo;
        this.inStart = inStart;
        this.inTo = inTo;
    }

    /** Accumulates edges, then {@link #build}s the snapshot. Not thread-safe. */
    static final class Builder {
        private final Map<NodeRef, Integer> index = new HashMap<>();
        private final List<NodeRef> nodes = new ArrayList<>();
        private int[] from = new int[1024];
        private int[] to = new int[1024];
        private int edges;

        private int intern(NodeRef n) {
            Integer i = index.get(n);
            if (i != null) return i;
            int id = nodes.size();
            nodes.add(n);
            index.put(n, id);
            return id;
        }

        Builder edge(NodeRef blocker, NodeRef dependent) {
            if (edges == from.length) {
                from = Arrays.copyOf(from, edges * 2);
                to = Arrays.copyOf(to, edges * 2);
            }
            from[edges] = intern(blocker);
            to[edges] = intern(dependent);
            edges++;
            return this;
        }

        int edgeCount() { return edges; }

        Snapshot build(long version) {
            int n = nodes.size();
            int[] outStart = new int[n + 1];
            int[] inStart = new int[n + 1];
            for (int e = 0; e < edges; e++) {
                outStart[from[e] + 1]++;
                inStart[to[e] + 1]++;
            }
            for (int i = 0; i < n; i++) {
                outStart[i + 1] += outStart[i];
                inStart[i + 1] += inStart[i];
            }
            int[] outTo = new int[edges];
            int[] inTo = new int[edges];
            int[] outFill = Arrays.copyOf(outStart, n);
            int[] inFill = Arrays.copyOf(inStart, n);
            for (int e = 0; e < edges; e++) {
                outTo[outFill[from[e]]++] = to[e];
                inTo[inFill[to[e]]++] = from[e];
            }
            return new Snapshot(version, nodes.toArray(new NodeRef[0]), Map.copyOf(index), outStart, outTo, inStart, inTo);
        }
    }

    int edgeCount() { return outTo.length; }

    int nodeCount() { return nodes.length; }

    /** See {@link DependencyResolver#resolve}; roots absent from this organization's edges reach nothing. */
    Map<NodeRef, List<Reached>> resolve(Collection<NodeRef> roots, Direction direction, int maxDistance,
                                        Set<RecordType> types, boolean withPath) {
        Scratch sc = scratch.poll();
        if (sc == null) sc = new Scratch(nodes.length);
        try {
            return resolve(sc, roots, direction, maxDistance, types, withPath);
        } finally {
            scratch.offer(sc);
        }
    }

    /**
     * Per-call work arrays, pooled: allocating and zeroing them per call would cost more than the search itself on a
     * large organization. A node counts as visited when {@code mark[node] == stamp}; each root takes a new stamp.
     */
    private static final class Scratch {
        final int[] mark;
        final int[] dist;
        final int[] pred;
        final int[] queue;
        int stamp;

        Scratch(int n) {
            mark = new int[n];
            dist = new int[n];
            pred = new int[n];
            queue = new int[n];
        }

        int nextStamp() {
            if (stamp == Integer.MAX_VALUE) {
                Arrays.fill(mark, 0);
                stamp = 0;
            }
            return ++stamp;
        }
    }

    private final java.util.concurrent.ConcurrentLinkedQueue<Scratch> scratch = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private Map<NodeRef, List<Reached>> resolve(Scratch sc, Collection<NodeRef> roots, Direction direction, int maxDistance,
                                                Set<RecordType> types, boolean withPath) {
        int[] start = direction == Direction.DEPENDENTS ? outStart : inStart;
        int[] to = direction == Direction.DEPENDENTS ? outTo : inTo;
        int[] mark = sc.mark;
        int[] dist = sc.dist;
        int[] pred = withPath ? sc.pred : null;
        int[] queue = sc.queue;
        boolean allTypes = types == null || types.isEmpty();
        Map<NodeRef, List<Reached>> out = new LinkedHashMap<>();
        for (NodeRef root : roots) {
            if (out.containsKey(root)) continue;
            Integer r = index.get(root);
            List<Reached> found = new ArrayList<>();
            out.put(root, found);
            if (r == null) continue;
            int stamp = sc.nextStamp();
            int head = 0;
            int tail = 0;
            mark[r] = stamp;
            dist[r] = 0;
            queue[tail++] = r;
            while (head < tail) {
                int u = queue[head++];
                int du = dist[u];
                if (du >= maxDistance) break; // BFS order: every later node is at least as far
                for (int k = start[u], end = start[u + 1]; k < end; k++) {
                    int v = to[k];
                    if (mark[v] == stamp) continue;
                    mark[v] = stamp;
                    dist[v] = du + 1;
                    if (pred != null) pred[v] = u;
                    queue[tail++] = v;
                    NodeRef node = nodes[v];
                    if (allTypes || types.contains(node.type())) {
                        found.add(new Reached(node, du + 1, pred == null ? null : path(pred, r, v, du + 1)));
                    }
                }
            }
        }
        return out;
    }

    private List<NodeRef> path(int[] pred, int root, int v, int distance) {
        NodeRef[] p = new NodeRef[distance + 1];
        int cur = v;
        for (int i = distance; i > 0; i--) {
            p[i] = nodes[cur];
            cur = pred[cur];
        }
        p[0] = nodes[root];
        return List.of(p);
    }

    /** The live edges of {@code node} on one side, from this snapshot (used by tests to cross-check the SQL lookups). */
    List<NodeRef> neighbours(NodeRef node, Direction direction) {
        Integer i = index.get(node);
        if (i == null) return List.of();
        int[] start = direction == Direction.DEPENDENTS ? outStart : inStart;
        int[] to = direction == Direction.DEPENDENTS ? outTo : inTo;
        List<NodeRef> r = new ArrayList<>();
        for (int k = start[i]; k < start[i + 1]; k++) r.add(nodes[to[k]]);
        return r;
    }
}
