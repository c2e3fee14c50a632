package dev.herald.pipeline;

import dev.herald.api.Json;
import dev.herald.cache.LocalSingleFlight;
import dev.herald.delivery.MessageRenderer;
import dev.herald.delivery.RenderedMessage;
import dev.herald.graph.DependencyResolver;
import dev.herald.graph.Direction;
import dev.herald.graph.Edge;
import dev.herald.graph.NodeRef;
import dev.herald.graph.Reached;
import dev.herald.graph.RecordType;
import dev.herald.infra.Database;
import dev.herald.limits.DeliveryGate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Small real implementations of the parts other features build, for pipeline tests. */
final class TestParts {
    private TestParts() {}

    static Pipeline.Parts parts(Database db, Duration sendTimeout) {
        return parts(db, sendTimeout, DeliveryGate.OPEN);
    }

    static Pipeline.Parts parts(Database db, Duration sendTimeout, DeliveryGate gate) {
        return new Pipeline.Parts(new LoopbackSender(sendTimeout), renderer(), gate,
                (org, incident) -> Optional.empty(), new BfsResolver(db),
                new LocalSingleFlight(Map.of(), Duration.ofMinutes(5), 10_000));
    }

    /** A gate that answers scripted decisions per contact (in order; then allow), counting its calls. */
    static final class ScriptedGate implements DeliveryGate {
        final Map<UUID, java.util.Deque<dev.herald.limits.GateDecision>> script = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<UUID, java.util.concurrent.atomic.AtomicInteger> calls = new java.util.concurrent.ConcurrentHashMap<>();

        void script(UUID contact, dev.herald.limits.GateDecision... decisions) {
            script.put(contact, new java.util.concurrent.ConcurrentLinkedDeque<>(List.of(decisions)));
        }

        @Override
        public dev.herald.limits.GateDecision check(UUID org, UUID contact, dev.herald.delivery.Channel channel, String group,
                                                    com.fasterxml.jackson.databind.JsonNode throttle) {
            calls.computeIfAbsent(contact, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
            var q = script.get(contact);
            var next = q == null ? null : q.poll();
            return next == null ? dev.herald.limits.GateDecision.ALLOW : next;
        }
    }

    static MessageRenderer renderer() {
        return (contact, event, context) -> {
            var body = Json.mapper().createObjectNode().put("type", event);
            body.set("data", context);
            try {
                return new RenderedMessage(Json.mapper().writeValueAsString(body), null, null, null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** Breadth-first over live edges, one query per level: each node once at its shortest distance. */
    record BfsResolver(Database db) implements DependencyResolver {
        @Override
        public Map<NodeRef, List<Reached>> resolve(UUID org, Collection<NodeRef> roots, Direction direction, int maxDistance,
                                                   Set<RecordType> types, boolean withPath) {
            Map<NodeRef, List<Reached>> out = new LinkedHashMap<>();
            for (NodeRef root : roots) {
                Map<NodeRef, Integer> seen = new HashMap<>();
                seen.put(root, 0);
                List<NodeRef> frontier = List.of(root);
                List<Reached> reached = new ArrayList<>();
                for (int d = 1; d <= maxDistance && !frontier.isEmpty(); d++) {
                    List<NodeRef> next = new ArrayList<>();
                    for (NodeRef n : frontier) {
                        for (Edge e : direct(org, n, direction)) {
                            NodeRef m = direction == Direction.DEPENDENTS ? e.dependent() : e.blocker();
                            if (seen.putIfAbsent(m, d) == null) {
                                next.add(m);
                                if (types.isEmpty() || types.contains(m.type())) reached.add(new Reached(m, d, null));
                            }
                        }
                    }
                    frontier = next;
                }
                out.put(root, reached);
            }
            return out;
        }

        @Override
        public List<Edge> direct(UUID org, NodeRef node, Direction direction) {
            String sql = direction == Direction.DEPENDENTS
                    ? "SELECT blocker_type, blocker_id, dependent_type, dependent_id, created FROM dependencies WHERE organization_id = ? AND blocker_type = ? AND blocker_id = ? AND deleted IS NULL"
                    : "SELECT blocker_type, blocker_id, dependent_type, dependent_id, created FROM dependencies WHERE organization_id = ? AND dependent_type = ? AND dependent_id = ? AND deleted IS NULL";
            return db.read("Test.DIRECT", c -> {
                try (var ps = c.prepareStatement(sql)) {
                    ps.setObject(1, org);
                    ps.setString(2, node.type().wire());
                    ps.setObject(3, node.id());
                    List<Edge> edges = new ArrayList<>();
                    try (var rs = ps.executeQuery()) {
                        while (rs.next()) {
                            edges.add(new Edge(new NodeRef(RecordType.parse(rs.getString(1)), rs.getObject(2, UUID.class)),
                                    new NodeRef(RecordType.parse(rs.getString(3)), rs.getObject(4, UUID.class)), rs.getObject(5, java.time.OffsetDateTime.class)));
                        }
                    }
                    return edges;
                }
            });
        }
    }
}
