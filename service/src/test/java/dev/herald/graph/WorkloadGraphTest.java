package dev.herald.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.graph.Graph.Strategy;
import dev.herald.testing.TestPostgres;
import dev.herald.workload.Profile;
import dev.herald.workload.Workload;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * On the reference workload's shape (small profile: closure chains, diamonds, cycles, cross-incident links, soft
 * deletes), every strategy equals a BFS over the live rows read straight from the table, and the old query's distinct
 * nodes with their minimum distance.
 */
class WorkloadGraphTest {
    @Test
    void resolutionMatchesBfsAndTheOldQueryOnTheWorkload() throws Exception {
        try (Herald herald = Herald.open(TestPostgres.freshConfig())) {
            UUID org = Workload.ensureLoaded(herald.db(), herald.settings().seed(), Profile.SMALL, 7, s -> { }).organizationId();
            Map<NodeRef, List<NodeRef>> down = new HashMap<>();
            Map<NodeRef, List<NodeRef>> up = new HashMap<>();
            List<NodeRef> nodes = new ArrayList<>();
            try (Connection c = herald.db().openDedicated()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT blocker_type, blocker_id, dependent_type, dependent_id FROM dependencies WHERE organization_id = ? AND deleted IS NULL ORDER BY id")) {
                    ps.setObject(1, org);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            NodeRef b = new NodeRef(RecordType.parse(rs.getString(1)), rs.getObject(2, UUID.class));
                            NodeRef d = new NodeRef(RecordType.parse(rs.getString(3)), rs.getObject(4, UUID.class));
                            down.computeIfAbsent(b, k -> new ArrayList<>()).add(d);
                            up.computeIfAbsent(d, k -> new ArrayList<>()).add(b);
                            nodes.add(b);
                        }
                    }
                }
                OldQueryOracle.createOldTable(c, org);
                Random rnd = new Random(11);
                int nonTrivial = 0;
                for (int i = 0; i < 40; i++) {
                    NodeRef root = nodes.get(rnd.nextInt(nodes.size()));
                    Direction dir = i % 3 == 0 ? Direction.BLOCKERS : Direction.DEPENDENTS;
                    Map<NodeRef, Integer> expected = bfs(dir == Direction.DEPENDENTS ? down : up, root);
                    for (Strategy s : List.of(Strategy.SQL, Strategy.MEMORY)) {
                        var got = herald.graph().resolve(s, org, List.of(root), dir, Integer.MAX_VALUE, Set.of(), false).get(root);
                        assertThat(GraphResolutionTest.asMap(got)).as("%s %s %s", s, dir, root).isEqualTo(expected);
                    }
                    assertThat(OldQueryOracle.run(c, root, dir)).as("old query %s %s", dir, root).isEqualTo(expected);
                    if (expected.size() > 5) nonTrivial++;
                }
                assertThat(nonTrivial).isGreaterThan(5);
            }
        }
    }

    static Map<NodeRef, Integer> bfs(Map<NodeRef, List<NodeRef>> adj, NodeRef root) {
        Map<NodeRef, Integer> dist = new HashMap<>(Map.of(root, 0));
        ArrayDeque<NodeRef> q = new ArrayDeque<>(List.of(root));
        while (!q.isEmpty()) {
            NodeRef u = q.poll();
            for (NodeRef v : adj.getOrDefault(u, List.of())) {
                if (dist.putIfAbsent(v, dist.get(u) + 1) == null) q.add(v);
            }
        }
        dist.remove(root);
        return dist;
    }
}
