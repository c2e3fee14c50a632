package dev.herald.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.graph.Graph.Strategy;
import dev.herald.testing.TestPostgres;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Fast paths against slow obvious ones: SQL and memory resolution vs a plain BFS vs the old production query. */
class GraphResolutionTest {
    static Herald herald;
    static Graph graph;
    static GeneratedGraph g;
    static GeneratedGraph other;

    @BeforeAll
    static void setUp() throws Exception {
        herald = Herald.open(TestPostgres.freshConfig());
        graph = herald.graph();
        UUID org = herald.organizations().create("graph", null, false, null).id();
        UUID org2 = herald.organizations().create("other", null, false, null).id();
        g = new GeneratedGraph(org, 42, 40);
        other = new GeneratedGraph(org2, 7, 5);
        try (Connection c = herald.db().openDedicated()) {
            g.insert(c);
            other.insert(c);
            OldQueryOracle.createOldTable(c, org);
        }
    }

    @AfterAll
    static void tearDown() {
        herald.close();
    }

    static Map<NodeRef, Integer> asMap(List<Reached> rs) {
        Map<NodeRef, Integer> m = new HashMap<>();
        for (Reached r : rs) assertThat(m.put(r.node(), r.distance())).as("each node once").isNull();
        return m;
    }

    @Test
    void everyStrategyMatchesBfsAndTheOldQuery() throws Exception {
        Random rnd = new Random(1);
        int[] depths = {1, 2, 3, 5, Integer.MAX_VALUE};
        int compared = 0;
        try (Connection c = herald.db().openDedicated()) {
            for (int i = 0; i < 80; i++) {
                NodeRef root = g.nodes.get(rnd.nextInt(g.nodes.size()));
                Direction dir = rnd.nextBoolean() ? Direction.DEPENDENTS : Direction.BLOCKERS;
                int depth = depths[rnd.nextInt(depths.length)];
                Map<NodeRef, Integer> expected = g.bfs(root, dir, depth);
                for (Strategy s : List.of(Strategy.SQL, Strategy.MEMORY, Strategy.AUTO)) {
                    var r = graph.resolve(s, g.org, List.of(root), dir, depth, Set.of(), false);
                    assertThat(asMap(r.get(root))).as("%s %s %s depth %d", s, root, dir, depth).isEqualTo(expected);
                }
                Map<NodeRef, Integer> old = OldQueryOracle.run(c, root, dir);
                assertThat(old).as("old query, unbounded, %s %s", root, dir).isEqualTo(g.bfs(root, dir, Integer.MAX_VALUE));
                Map<NodeRef, Integer> oldCapped = new HashMap<>(old);
                oldCapped.values().removeIf(d -> d > depth);
                assertThat(oldCapped).isEqualTo(expected);
                if (!expected.isEmpty()) compared++;
            }
        }
        assertThat(compared).as("non-trivial comparisons").isGreaterThan(20);
    }

    @Test
    void manyRootsInOneCallEqualOneCallPerRoot() {
        Random rnd = new Random(2);
        List<NodeRef> roots = new ArrayList<>();
        for (int i = 0; i < 50; i++) roots.add(g.nodes.get(rnd.nextInt(g.nodes.size())));
        roots.add(other.nodes.get(0)); // another organization's record
        roots.add(new NodeRef(RecordType.ASSET, UUID.randomUUID())); // no such record
        for (Direction dir : Direction.values()) {
            for (int depth : new int[] {2, Integer.MAX_VALUE}) {
                for (Strategy s : List.of(Strategy.SQL, Strategy.MEMORY)) {
                    var batch = graph.resolve(s, g.org, roots, dir, depth, Set.of(), false);
                    assertThat(batch.keySet()).containsExactlyInAnyOrderElementsOf(new java.util.LinkedHashSet<>(roots));
                    for (NodeRef root : roots) {
                        Map<NodeRef, Integer> expected = g.nodes.contains(root) ? g.bfs(root, dir, depth) : Map.of();
                        assertThat(asMap(batch.get(root))).as("%s %s %s", s, dir, root).isEqualTo(expected);
                    }
                }
            }
        }
    }

    @Test
    void typeFilterNeverCutsPaths() {
        Random rnd = new Random(3);
        Set<RecordType> types = EnumSet.of(RecordType.ASSET, RecordType.INTEL_REQUEST);
        for (int i = 0; i < 30; i++) {
            NodeRef root = g.nodes.get(rnd.nextInt(g.nodes.size()));
            Map<NodeRef, Integer> expected = new HashMap<>(g.bfs(root, Direction.DEPENDENTS, 4));
            expected.keySet().removeIf(n -> !types.contains(n.type()));
            for (Strategy s : List.of(Strategy.SQL, Strategy.MEMORY)) {
                var r = graph.resolve(s, g.org, List.of(root), Direction.DEPENDENTS, 4, types, false);
                assertThat(asMap(r.get(root))).isEqualTo(expected);
            }
        }
    }

    @Test
    void pathsAreShortestAndFollowLiveEdges() {
        Random rnd = new Random(4);
        int checked = 0;
        for (int i = 0; i < 40; i++) {
            NodeRef root = g.nodes.get(rnd.nextInt(g.nodes.size()));
            Direction dir = i % 2 == 0 ? Direction.DEPENDENTS : Direction.BLOCKERS;
            for (Strategy s : List.of(Strategy.SQL, Strategy.MEMORY)) {
                for (Reached x : graph.resolve(s, g.org, List.of(root), dir, 6, Set.of(), true).get(root)) {
                    List<NodeRef> p = x.path();
                    assertThat(p).hasSize(x.distance() + 1);
                    assertThat(p.get(0)).isEqualTo(root);
                    assertThat(p.get(p.size() - 1)).isEqualTo(x.node());
                    for (int k = 0; k + 1 < p.size(); k++) {
                        boolean edge = dir == Direction.DEPENDENTS ? g.liveEdge(p.get(k), p.get(k + 1)) : g.liveEdge(p.get(k + 1), p.get(k));
                        assertThat(edge).as("live edge %s - %s", p.get(k), p.get(k + 1)).isTrue();
                    }
                    checked++;
                }
                var noPath = graph.resolve(s, g.org, List.of(root), dir, 6, Set.of(), false).get(root);
                assertThat(noPath).allSatisfy(x -> assertThat(x.path()).isNull());
            }
        }
        assertThat(checked).isGreaterThan(50);
    }

    @Test
    void anotherOrganizationsRootsResolveToNothing() {
        NodeRef foreign = other.edges.get(0).blocker();
        assertThat(other.bfs(foreign, Direction.DEPENDENTS, 5)).isNotEmpty();
        for (Strategy s : Strategy.values()) {
            assertThat(graph.resolve(s, g.org, List.of(foreign), Direction.DEPENDENTS, 5, Set.of(), false).get(foreign)).isEmpty();
            assertThat(asMap(graph.resolve(s, other.org, List.of(foreign), Direction.DEPENDENTS, 5, Set.of(), false).get(foreign)))
                    .isEqualTo(other.bfs(foreign, Direction.DEPENDENTS, 5));
        }
    }

    @Test
    void directLookupsMatchTheLiveEdges() {
        for (NodeRef n : g.nodes.subList(0, 60)) {
            List<NodeRef> dependents = graph.direct(g.org, n, Direction.DEPENDENTS).stream().map(Edge::dependent).toList();
            List<NodeRef> blockers = graph.direct(g.org, n, Direction.BLOCKERS).stream().map(Edge::blocker).toList();
            assertThat(dependents).containsExactlyInAnyOrderElementsOf(g.bfs(n, Direction.DEPENDENTS, 1).keySet());
            assertThat(blockers).containsExactlyInAnyOrderElementsOf(g.bfs(n, Direction.BLOCKERS, 1).keySet());
            assertThat(graph.direct(other.org, n, Direction.DEPENDENTS)).isEmpty();
        }
    }
}
