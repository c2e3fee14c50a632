package dev.herald.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.Herald;
import dev.herald.graph.Graph.Strategy;
import dev.herald.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A held snapshot never answers after another process changed the edges: writes through a separate connection
 * (standing in for another Herald process, an import or psql) are seen by the very next resolution.
 */
class SnapshotCoherenceTest {
    static Herald herald;
    static UUID org;

    @BeforeAll
    static void setUp() {
        herald = Herald.open(TestPostgres.freshConfig());
        org = herald.organizations().create("coherence", null, false, null).id();
    }

    @AfterAll
    static void tearDown() {
        herald.close();
    }

    static NodeRef ir() { return new NodeRef(RecordType.INTEL_REQUEST, UUID.randomUUID()); }

    static void exec(String sql, Object... args) throws Exception {
        try (Connection c = herald.db().openDedicated(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            ps.executeUpdate();
        }
    }

    static void insert(NodeRef b, NodeRef d) throws Exception {
        exec("INSERT INTO dependencies (organization_id, blocker_type, blocker_id, dependent_type, dependent_id) VALUES (?, ?, ?, ?, ?)",
                org, b.type().wire(), b.id(), d.type().wire(), d.id());
    }

    static Map<NodeRef, List<Reached>> auto(NodeRef root) {
        return herald.graph().resolve(Strategy.AUTO, org, List.of(root), Direction.DEPENDENTS, 10, Set.of(), false);
    }

    @Test
    void writesFromAnotherConnectionAreSeenAtOnce() throws Exception {
        NodeRef a = ir(), b = ir(), c = ir();
        insert(a, b);
        assertThat(herald.graph().preload(org)).isTrue();
        assertThat(auto(a).get(a)).extracting(Reached::node).containsExactly(b);

        insert(b, c);
        assertThat(auto(a).get(a)).extracting(Reached::node).containsExactly(b, c);

        exec("UPDATE dependencies SET deleted = now() WHERE blocker_id = ? AND dependent_id = ?", a.id(), b.id());
        assertThat(auto(a).get(a)).isEmpty();

        exec("DELETE FROM dependencies WHERE blocker_id = ?", b.id());
        insert(a, c);
        assertThat(auto(a).get(a)).extracting(Reached::node).containsExactly(c);
    }

    @Test
    void everyKindOfChangeBumpsTheVersion() throws Exception {
        Snapshots s = new Snapshots(herald.db(), 1000, java.time.Duration.ofMinutes(1));
        long v0 = s.version(org);
        NodeRef a = ir(), b = ir();
        insert(a, b);
        long v1 = s.version(org);
        assertThat(v1).isGreaterThan(v0);
        exec("UPDATE dependencies SET deleted = now() WHERE blocker_id = ?", a.id());
        long v2 = s.version(org);
        assertThat(v2).isGreaterThan(v1);
        exec("UPDATE dependencies SET deleted = now() WHERE blocker_id = ?", UUID.randomUUID()); // touches nothing
        assertThat(s.version(org)).isEqualTo(v2);
        exec("DELETE FROM dependencies WHERE blocker_id = ?", a.id());
        long v3 = s.version(org);
        assertThat(v3).isGreaterThan(v2);
        s.close();
    }

    @Test
    void theSnapshotCatchesUpAndServesAgain() throws Exception {
        NodeRef a = ir(), b = ir();
        insert(a, b);
        herald.graph().preload(org);
        double before = memoryCount();
        auto(a);
        assertThat(memoryCount()).as("a current snapshot serves").isEqualTo(before + 1);
        NodeRef c = ir();
        insert(b, c);
        assertThat(auto(a).get(a)).extracting(Reached::node).contains(c); // served by SQL while reloading
        await("the reloaded snapshot serves again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
            double m = memoryCount();
            auto(a);
            return memoryCount() > m;
        });
        assertThat(auto(a).get(a)).extracting(Reached::node).contains(c);
    }

    static double memoryCount() {
        return herald.metrics().registry().get("herald.graph.resolutions").tag("served_by", "memory").counter().count();
    }
}
