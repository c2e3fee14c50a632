package dev.herald.records;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.errors.DomainException;
import dev.herald.graph.DependencyResolver;
import dev.herald.graph.Direction;
import dev.herald.graph.Edge;
import dev.herald.graph.GraphSettings;
import dev.herald.graph.NodeRef;
import dev.herald.graph.Reached;
import dev.herald.graph.RecordType;
import dev.herald.json.Json;
import dev.herald.organizations.Organizations;
import io.javalin.http.Context;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code dependencies=none|direct|recursive}, {@code direction}, {@code max_distance} and {@code types} options of
 * {@code GET /incidents/{id}}, {@code GET /intel-requests/{id}} and {@code POST /intel-requests/bulk}, and the
 * {@code "dependencies"} member they add to each record. Direct uses {@link DependencyResolver#direct} for one record;
 * recursive, and direct for many records, cost ONE {@link DependencyResolver#resolve} call for all of them. Thread-safe.
 */
public final class Dependencies {
    /** What a request asked for; {@code maxDistance} null = the organization's default. */
    public record Options(String mode, Direction direction, Integer maxDistance, Set<RecordType> types) {
        public boolean none() { return mode.equals("none"); }
    }

    /** One node in the answer; {@code created} only for direct edges of a single record. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record NodeJson(String type, UUID id, int distance, OffsetDateTime created) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DependenciesJson(String mode, String direction, Integer maxDistance, int count, List<NodeJson> nodes) {}

    private final DependencyResolver resolver;
    private final Organizations organizations;
    private final int defaultDistance;
    private final int distanceCap;

    public Dependencies(DependencyResolver resolver, Organizations organizations, GraphSettings graph) {
        this.resolver = java.util.Objects.requireNonNull(resolver, "resolver");
        this.organizations = organizations;
        this.defaultDistance = graph.defaultMaxDistance();
        this.distanceCap = graph.maxDistanceCap();
    }

    /** Reads the options from the query string: 400 for unknown words or types, 422 for a max_distance out of range. */
    public Options parse(Context ctx) {
        String mode = ctx.queryParam("dependencies");
        mode = mode == null ? "none" : mode.trim().toLowerCase(Locale.ROOT);
        if (!List.of("none", "direct", "recursive").contains(mode)) {
            throw DomainException.malformed("dependencies must be none, direct or recursive, got '" + ctx.queryParam("dependencies") + "'");
        }
        Direction direction = Direction.DEPENDENTS;
        String rawDirection = ctx.queryParam("direction");
        if (rawDirection != null) {
            try {
                direction = Direction.parse(rawDirection);
            } catch (IllegalArgumentException e) {
                throw DomainException.malformed(e.getMessage());
            }
        }
        Integer max = null;
        String rawMax = ctx.queryParam("max_distance");
        if (rawMax != null) {
            try {
                max = Integer.parseInt(rawMax.trim());
            } catch (NumberFormatException e) {
                throw DomainException.malformed("max_distance must be a whole number, got '" + rawMax + "'");
            }
            checkDistance(max);
        }
        Set<RecordType> types = EnumSet.noneOf(RecordType.class);
        String rawTypes = ctx.queryParam("types");
        if (rawTypes != null) {
            for (String t : rawTypes.split(",")) {
                if (t.isBlank()) continue;
                try {
                    types.add(RecordType.parse(t));
                } catch (IllegalArgumentException e) {
                    throw DomainException.malformed("types: " + e.getMessage());
                }
            }
        }
        return new Options(mode, direction, max, types);
    }

    private void checkDistance(int max) {
        if (max < 1 || max > distanceCap) {
            throw DomainException.invalid("max_distance", "max_distance must be between 1 and " + distanceCap
                    + " (setting graph.max-distance-cap), got " + max);
        }
    }

    /** The distance a recursive resolution follows: the request's, else the organization's, else the setting. */
    int distanceFor(Options o, UUID organizationId) {
        if (o.maxDistance() != null) return o.maxDistance();
        return organizations.find(organizationId).map(Organizations.Organization::maxDistance)
                .filter(d -> d != null).orElse(defaultDistance);
    }

    /** {@code record} as JSON with its {@code "dependencies"} member (or as is when the options say none). */
    public Object attach(Object record, UUID organizationId, NodeRef node, Options o) {
        if (o.none()) return record;
        return attachAll(List.of(record), organizationId, List.of(node), o).get(0);
    }

    /**
     * Each record (parallel to {@code nodes}, all of {@code organizationId}) with its {@code "dependencies"}. One
     * {@link DependencyResolver#resolve} call for all of them (direct for many records = distance 1); direct for one
     * record is its one index-served {@link DependencyResolver#direct} lookup.
     */
    public List<Object> attachAll(List<?> records, UUID organizationId, List<NodeRef> nodes, Options o) {
        if (o.none()) return List.copyOf(records);
        List<Object> out = new ArrayList<>(records.size());
        if (o.mode().equals("direct") && nodes.size() == 1) {
            List<NodeJson> direct = new ArrayList<>();
            for (Edge e : resolver.direct(organizationId, nodes.get(0), o.direction())) {
                NodeRef other = o.direction() == Direction.DEPENDENTS ? e.dependent() : e.blocker();
                if (o.types().isEmpty() || o.types().contains(other.type())) {
                    direct.add(new NodeJson(other.type().wire(), other.id(), 1, e.created()));
                }
            }
            out.add(with(records.get(0), new DependenciesJson("direct", o.direction().wire(), null, direct.size(), direct)));
            return out;
        }
        boolean recursive = o.mode().equals("recursive");
        int max = recursive ? distanceFor(o, organizationId) : 1;
        Map<NodeRef, List<Reached>> resolved = resolver.resolve(organizationId, new LinkedHashSet<>(nodes), o.direction(), max,
                o.types(), false);
        for (int i = 0; i < records.size(); i++) {
            List<NodeJson> reached = new ArrayList<>();
            for (Reached r : resolved.getOrDefault(nodes.get(i), List.of())) {
                reached.add(new NodeJson(r.node().type().wire(), r.node().id(), r.distance(), null));
            }
            out.add(with(records.get(i), new DependenciesJson(o.mode(), o.direction().wire(), recursive ? max : null,
                    reached.size(), reached)));
        }
        return out;
    }

    private static ObjectNode with(Object record, DependenciesJson deps) {
        ObjectNode n = Json.mapper().valueToTree(record);
        n.set("dependencies", Json.mapper().valueToTree(deps));
        return n;
    }
}
