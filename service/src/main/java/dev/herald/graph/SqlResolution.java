package dev.herald.graph;

import dev.herald.infra.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Resolution in one SQL statement for any number of roots: a recursive walk that carries, per root, the current
 * frontier (arrays) and the set of nodes already seen (a jsonb object, O(log n) membership). Each step expands the whole
 * frontier through the live-edge index, keeps each new node once (DISTINCT ON), and stops when the frontier is empty or
 * the distance is reached. ({@code ??} is JDBC's escape for the jsonb key-exists operator {@code ?}.) So every node is visited once per root at its shortest distance: diamonds and cycles never
 * multiply rows, unlike the old path-enumerating query. Thread-safe (stateless).
 */
final class SqlResolution {
    /** Walk toward dependents: the frontier is the blocker side; served by dependencies_blocker_live_idx. */
    static final String RESOLVE_DEPENDENTS = walk("blocker", "dependent");
    /** Walk toward blockers: the frontier is the dependent side; served by dependencies_dependent_live_idx. */
    static final String RESOLVE_BLOCKERS = walk("dependent", "blocker");

    private static String walk(String from, String to) {
        return """
            WITH RECURSIVE roots(root_idx, t, id) AS (
                SELECT * FROM unnest(?::int[], ?::text[], ?::uuid[])
            ), walk(root_idx, depth, ft, fid, pt, pid, seen) AS (
                SELECT root_idx, 0, ARRAY[t], ARRAY[id], ARRAY[NULL::text], ARRAY[NULL::uuid], jsonb_build_object(t || ':' || id, 0)
                FROM roots
                UNION ALL
                SELECT w.root_idx, w.depth + 1, n.ft, n.fid, n.pt, n.pid, w.seen || n.added
                FROM walk w
                CROSS JOIN LATERAL (
                    SELECT array_agg(x.t) AS ft, array_agg(x.id) AS fid, array_agg(x.pt) AS pt, array_agg(x.pid) AS pid,
                           jsonb_object_agg(x.t || ':' || x.id, w.depth + 1) AS added
                    FROM (SELECT DISTINCT ON (d.TO_type, d.TO_id) d.TO_type AS t, d.TO_id AS id, f.t AS pt, f.id AS pid
                          FROM unnest(w.ft, w.fid) AS f(t, id)
                          JOIN dependencies d ON d.FROM_type = f.t AND d.FROM_id = f.id
                          WHERE d.deleted IS NULL AND d.organization_id = ?
                            AND NOT w.seen ?? (d.TO_type || ':' || d.TO_id)) x
                ) n
                WHERE w.depth < ? AND n.ft IS NOT NULL
            )
            SELECT w.root_idx, w.depth, u.t, u.id, u.pt, u.pid
            FROM walk w, unnest(w.ft, w.fid, w.pt, w.pid) AS u(t, id, pt, pid)
            WHERE w.depth > 0""".replace("FROM_", from + "_").replace("TO_", to + "_");
    }

    private final Database db;

    SqlResolution(Database db) {
        this.db = db;
    }

    Map<NodeRef, List<Reached>> resolve(UUID org, Collection<NodeRef> roots, Direction direction, int maxDistance,
                                        Set<RecordType> types, boolean withPath) {
        List<NodeRef> distinct = new ArrayList<>(new java.util.LinkedHashSet<>(roots));
        Map<NodeRef, List<Reached>> out = new LinkedHashMap<>();
        distinct.forEach(r -> out.put(r, new ArrayList<>()));
        if (distinct.isEmpty()) return out;
        String name = direction == Direction.DEPENDENTS ? "Graph.RESOLVE_DEPENDENTS" : "Graph.RESOLVE_BLOCKERS";
        String sql = direction == Direction.DEPENDENTS ? RESOLVE_DEPENDENTS : RESOLVE_BLOCKERS;
        List<Map<NodeRef, Hop>> hops = db.read(name, c -> run(c, sql, org, distinct, maxDistance));
        boolean allTypes = types == null || types.isEmpty();
        for (int i = 0; i < distinct.size(); i++) {
            NodeRef root = distinct.get(i);
            Map<NodeRef, Hop> h = hops.get(i);
            List<Reached> found = out.get(root);
            for (Map.Entry<NodeRef, Hop> e : h.entrySet()) {
                if (!allTypes && !types.contains(e.getKey().type())) continue;
                found.add(new Reached(e.getKey(), e.getValue().distance, withPath ? path(root, e.getKey(), h) : null));
            }
        }
        return out;
    }

    private record Hop(int distance, NodeRef pred) {}

    private static List<Map<NodeRef, Hop>> run(Connection c, String sql, UUID org, List<NodeRef> roots, int maxDistance)
            throws SQLException {
        Integer[] idx = new Integer[roots.size()];
        String[] ts = new String[roots.size()];
        UUID[] ids = new UUID[roots.size()];
        List<Map<NodeRef, Hop>> hops = new ArrayList<>(roots.size());
        for (int i = 0; i < roots.size(); i++) {
            idx[i] = i;
            ts[i] = roots.get(i).type().wire();
            ids[i] = roots.get(i).id();
            hops.add(new HashMap<>());
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("int4", idx));
            ps.setArray(2, c.createArrayOf("text", ts));
            ps.setArray(3, c.createArrayOf("uuid", ids));
            ps.setObject(4, org);
            ps.setInt(5, maxDistance);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    NodeRef node = new NodeRef(RecordType.parse(rs.getString(3)), rs.getObject(4, UUID.class));
                    NodeRef pred = new NodeRef(RecordType.parse(rs.getString(5)), rs.getObject(6, UUID.class));
                    hops.get(rs.getInt(1)).put(node, new Hop(rs.getInt(2), pred));
                }
            }
        }
        return hops;
    }

    private static List<NodeRef> path(NodeRef root, NodeRef node, Map<NodeRef, Hop> hops) {
        ArrayList<NodeRef> p = new ArrayList<>();
        NodeRef cur = node;
        while (!cur.equals(root)) {
            p.add(cur);
            cur = hops.get(cur).pred;
        }
        p.add(root);
        java.util.Collections.reverse(p);
        return List.copyOf(p);
    }
}
