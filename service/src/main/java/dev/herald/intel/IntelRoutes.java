package dev.herald.intel;

import dev.herald.api.ApiException;
import dev.herald.api.ApiSettings;
import dev.herald.api.Caller;
import dev.herald.api.PageRequest;
import dev.herald.api.Requests;
import dev.herald.api.Router;
import dev.herald.api.Routes;
import dev.herald.graph.NodeRef;
import dev.herald.graph.RecordType;
import dev.herald.records.Check;
import dev.herald.records.Dependencies;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code POST|GET /intel-requests}, with the dependency options of {@link Dependencies} on the single and bulk reads;, {@code GET|PATCH|DELETE /intel-requests/{id}}, {@code POST /intel-requests/bulk}.
 * A bulk call naming an id that is missing, deleted or another organization's answers 404 naming that id.
 */
final class IntelRoutes implements Routes {
    private final IntelRequests intel;
    private final Dependencies dependencies;
    private final ApiSettings api;

    IntelRoutes(IntelRequests intel, Dependencies dependencies, ApiSettings api) {
        this.intel = intel;
        this.dependencies = dependencies;
        this.api = api;
    }

    record CreateIntelRequest(UUID organizationId, UUID parentId, String question, String status) {}

    record PatchIntelRequest(String status, String question) {}

    record BulkIds(List<UUID> ids) {}

    @Override
    public void register(Router r) {
        r.post("/intel-requests/bulk", this::bulk);
        r.post("/intel-requests", this::create);
        r.get("/intel-requests", this::list);
        r.get("/intel-requests/{id}", this::get);
        r.patch("/intel-requests/{id}", this::patch);
        r.delete("/intel-requests/{id}", this::delete);
    }

    void create(Context ctx) {
        Caller caller = Caller.of(ctx);
        CreateIntelRequest b = Requests.body(ctx, CreateIntelRequest.class);
        UUID org = caller.organizationFor(b.organizationId());
        String status = b.status() == null ? "open" : Check.oneOf(b.status(), "status", IntelRequests.STATUSES);
        ctx.status(201).json(intel.create(org, b.parentId(), Check.text(b.question(), "question", 2000), status));
    }

    void get(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID id = Requests.pathUuid(ctx, "id");
        Dependencies.Options options = dependencies.parse(ctx);
        IntelRequests.IntelRequest i = intel.find(id).filter(r -> caller.sees(r.organizationId()))
                .orElseThrow(() -> ApiException.notFound("intel request " + id));
        ctx.json(dependencies.attach(i, i.organizationId(), node(i), options));
    }

    private static NodeRef node(IntelRequests.IntelRequest i) {
        return new NodeRef(RecordType.INTEL_REQUEST, i.id());
    }

    void patch(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID id = Requests.pathUuid(ctx, "id");
        PatchIntelRequest b = Requests.body(ctx, PatchIntelRequest.class);
        Set<String> present = Check.presentFields(ctx);
        Check.someField(present);
        if (present.contains("status") && b.status() == null) throw ApiException.unprocessable("status cannot be null");
        if (present.contains("question") && b.question() == null) throw ApiException.unprocessable("question cannot be null");
        String status = b.status() == null ? null : Check.oneOf(b.status(), "status", IntelRequests.STATUSES);
        ctx.json(intel.change(caller, id, status, Check.optionalText(b.question(), "question", 2000)));
    }

    void delete(Context ctx) {
        intel.delete(Caller.of(ctx), Requests.pathUuid(ctx, "id"));
        ctx.status(204);
    }

    void bulk(Context ctx) {
        Caller caller = Caller.of(ctx);
        BulkIds b = Requests.body(ctx, BulkIds.class);
        List<UUID> ids = Check.bulkIds(b.ids(), "ids", api.bulkMaxIds());
        Dependencies.Options options = dependencies.parse(ctx);
        Map<UUID, IntelRequests.IntelRequest> found = intel.findMany(ids).stream()
                .filter(i -> caller.sees(i.organizationId()))
                .collect(Collectors.toMap(IntelRequests.IntelRequest::id, Function.identity()));
        List<IntelRequests.IntelRequest> items = new ArrayList<>(ids.size());
        for (UUID id : ids) {
            IntelRequests.IntelRequest i = found.get(id);
            if (i == null) throw ApiException.notFound("intel request " + id);
            items.add(i);
        }
        if (options.none()) {
            ctx.json(Map.of("items", items));
            return;
        }
        Set<UUID> orgs = items.stream().map(IntelRequests.IntelRequest::organizationId).collect(Collectors.toSet());
        if (orgs.size() > 1) {
            throw ApiException.unprocessable("ids name intel requests of " + orgs.size()
                    + " organizations; dependencies are resolved within one organization per call");
        }
        ctx.json(Map.of("items", dependencies.attachAll(items, orgs.iterator().next(), items.stream().map(IntelRoutes::node).toList(), options)));
    }

    void list(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID org = caller.organizationFor(Requests.queryUuid(ctx, "organization_id", false));
        String status = ctx.queryParam("status");
        if (status != null && !List.of(IntelRequests.STATUSES).contains(status)) {
            throw ApiException.badRequest("status must be open, answered or closed, got '" + status + "'");
        }
        PageRequest req = PageRequest.from(ctx, api.listDefaultLimit(), api.listMaxLimit());
        ctx.json(intel.list(org, status, req));
    }
}
