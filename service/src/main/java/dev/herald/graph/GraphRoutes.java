package dev.herald.graph;

import dev.herald.api.ApiException;
import dev.herald.api.ApiSettings;
import dev.herald.api.Caller;
import dev.herald.api.Requests;
import dev.herald.api.Router;
import dev.herald.api.Routes;
import io.javalin.http.Context;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code POST /dependencies}, {@code DELETE /dependencies} and {@code POST /dependencies/resolve}. Every record named
 * must be live in the caller's organization: another organization's record answers 404, never its data.
 */
final class GraphRoutes implements Routes {
    private final Graph graph;
    private final int bulkMax;
    private final int defaultDistance;
    private final int distanceCap;

    GraphRoutes(Graph graph, GraphSettings settings, ApiSettings api) {
        this.graph = graph;
        this.bulkMax = api.bulkMaxIds();
        this.defaultDistance = settings.defaultMaxDistance();
        this.distanceCap = settings.maxDistanceCap();
    }

    /** A record named in a request: {@code {"type": "incident", "id": "..."}}. */
    record NodeBody(String type, String id) {}

    /** Body of {@code POST/DELETE /dependencies}; {@code organization_id} only with an admin key. */
    record EdgeBody(NodeBody blocker, NodeBody dependent, UUID organizationId) {}

    /** Body of {@code POST /dependencies/resolve}. */
    record ResolveBody(List<NodeBody> roots, String direction, Integer maxDistance, List<String> types, Boolean withPath,
                       UUID organizationId) {}

    /** A record in a response. */
    record NodeJson(String type, UUID id) {
        static NodeJson of(NodeRef n) { return new NodeJson(n.type().wire(), n.id()); }
    }

    record EdgeJson(NodeJson blocker, NodeJson dependent, OffsetDateTime created) {}

    record ReachedJson(String type, UUID id, int distance, List<NodeJson> path) {}

    record RootResult(NodeJson root, int count, List<ReachedJson> nodes) {}

    record ResolveResponse(String direction, int maxDistance, List<RootResult> results) {}

    @Override
    public void register(Router r) {
        r.post("/dependencies", this::create);
        r.delete("/dependencies", this::delete);
        r.post("/dependencies/resolve", this::resolve);
    }

    void create(Context ctx) {
        Caller caller = Caller.of(ctx);
        EdgeBody body = Requests.body(ctx, EdgeBody.class);
        UUID org = caller.organizationFor(body.organizationId());
        NodeRef blocker = node(body.blocker(), "blocker");
        NodeRef dependent = node(body.dependent(), "dependent");
        if (blocker.equals(dependent) || blocker.id().equals(dependent.id())) {
            throw ApiException.unprocessable("a record cannot depend on itself (" + blocker + ")");
        }
        Map<NodeRef, UUID> owners = graph.edges().owners(List.of(blocker, dependent));
        requireOwned(owners, org, blocker, "blocker");
        requireOwned(owners, org, dependent, "dependent");
        Edge e = graph.edges().insert(org, blocker, dependent).orElseThrow(() ->
                ApiException.conflict("a live dependency " + blocker + " -> " + dependent + " already exists"));
        ctx.status(201).json(new EdgeJson(NodeJson.of(e.blocker()), NodeJson.of(e.dependent()), e.created()));
    }

    void delete(Context ctx) {
        Caller caller = Caller.of(ctx);
        EdgeBody body = Requests.body(ctx, EdgeBody.class);
        UUID org = caller.organizationFor(body.organizationId());
        NodeRef blocker = node(body.blocker(), "blocker");
        NodeRef dependent = node(body.dependent(), "dependent");
        if (!graph.edges().softDelete(org, blocker, dependent)) {
            throw ApiException.notFound("live dependency " + blocker + " -> " + dependent);
        }
        ctx.status(204);
    }

    void resolve(Context ctx) {
        Caller caller = Caller.of(ctx);
        ResolveBody body = Requests.body(ctx, ResolveBody.class);
        UUID org = caller.organizationFor(body.organizationId());
        if (body.roots() == null || body.roots().isEmpty()) {
            throw ApiException.unprocessable("roots must name at least one record");
        }
        if (body.roots().size() > bulkMax) {
            throw ApiException.unprocessable("roots names " + body.roots().size() + " records; at most " + bulkMax
                    + " per call (setting api.bulk-max-ids)");
        }
        Direction direction;
        try {
            direction = body.direction() == null ? Direction.DEPENDENTS : Direction.parse(body.direction());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        Set<RecordType> types = EnumSet.noneOf(RecordType.class);
        if (body.types() != null) {
            for (String t : body.types()) types.add(type(t, "types"));
        }
        LinkedHashSet<NodeRef> roots = new LinkedHashSet<>();
        for (int i = 0; i < body.roots().size(); i++) roots.add(node(body.roots().get(i), "roots[" + i + "]"));
        int max = body.maxDistance() != null ? body.maxDistance() : graph.edges().organizationMaxDistance(org).orElse(defaultDistance);
        if (max < 1 || max > distanceCap) {
            throw ApiException.unprocessable("max_distance must be between 1 and " + distanceCap
                    + " (setting graph.max-distance-cap), got " + max);
        }
        Map<NodeRef, UUID> owners = graph.edges().owners(roots);
        for (NodeRef root : roots) {
            if (!org.equals(owners.get(root))) throw ApiException.notFound(root.type().wire() + " " + root.id());
        }
        boolean withPath = Boolean.TRUE.equals(body.withPath());
        Map<NodeRef, List<Reached>> resolved = graph.resolve(org, roots, direction, max, types, withPath);
        List<RootResult> results = new ArrayList<>(roots.size());
        for (NodeRef root : roots) {
            List<Reached> reached = resolved.getOrDefault(root, List.of());
            List<ReachedJson> nodes = new ArrayList<>(reached.size());
            for (Reached x : reached) {
                nodes.add(new ReachedJson(x.node().type().wire(), x.node().id(), x.distance(),
                        x.path() == null ? null : x.path().stream().map(NodeJson::of).toList()));
            }
            results.add(new RootResult(NodeJson.of(root), nodes.size(), nodes));
        }
        ctx.json(new ResolveResponse(direction.wire(), max, results));
    }

    private static void requireOwned(Map<NodeRef, UUID> owners, UUID org, NodeRef ref, String side) {
        // Missing and another organization's answer alike: a caller must not learn that someone else's id exists.
        if (!org.equals(owners.get(ref))) {
            throw ApiException.unprocessable(side + ": " + ref.type().wire() + " " + ref.id() + " does not exist in this organization");
        }
    }

    private static NodeRef node(NodeBody b, String field) {
        if (b == null) throw ApiException.badRequest(field + " is required ({\"type\": ..., \"id\": ...})");
        return new NodeRef(type(b.type(), field + ".type"), Requests.uuid(b.id(), field + ".id"));
    }

    private static RecordType type(String raw, String field) {
        try {
            return RecordType.parse(raw);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(field + ": " + e.getMessage());
        }
    }
}
