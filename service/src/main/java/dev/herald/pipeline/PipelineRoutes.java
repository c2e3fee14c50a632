package dev.herald.pipeline;

import dev.herald.api.ApiException;
import dev.herald.api.ApiSettings;
import dev.herald.api.Caller;
import dev.herald.api.PageRequest;
import dev.herald.api.Requests;
import dev.herald.api.Router;
import dev.herald.api.Routes;
import io.javalin.http.Context;
import java.util.UUID;

/**
 * {@code GET /work-units/{id}} (state, attempts and step timings, from the database so any process answers),
 * {@code POST /work-units/{id}/redrive} (dead → queued, else 409) and {@code GET /deliveries?organization_id=X}
 * (newest first, paginated). Every read is scoped to the caller's organization; another's answers 404.
 */
final class PipelineRoutes implements Routes {
    private final WorkQueue queue;
    private final Deliveries deliveries;
    private final ApiSettings api;

    PipelineRoutes(WorkQueue queue, Deliveries deliveries, ApiSettings api) {
        this.queue = queue;
        this.deliveries = deliveries;
        this.api = api;
    }

    /** The routes on their own (they need no consumers): any process answers from the database. */
    static PipelineRoutes create(dev.herald.infra.Database db, ApiSettings api) {
        return new PipelineRoutes(new WorkQueue(db), new Deliveries(db), api);
    }

    @Override
    public void register(Router r) {
        r.get("/work-units/{id}", this::get);
        r.post("/work-units/{id}/redrive", this::redrive);
        r.get("/deliveries", this::list);
    }

    void get(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID id = Requests.pathUuid(ctx, "id");
        WorkUnit w = queue.find(id).filter(u -> caller.sees(u.organizationId()))
                .orElseThrow(() -> ApiException.notFound("work unit " + id));
        ctx.json(w);
    }

    void redrive(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID id = Requests.pathUuid(ctx, "id");
        WorkUnit w = queue.find(id).filter(u -> caller.sees(u.organizationId()))
                .orElseThrow(() -> ApiException.notFound("work unit " + id));
        switch (queue.redrive(w.organizationId(), id)) {
            case REDRIVEN -> ctx.json(queue.find(id).orElseThrow(() -> ApiException.notFound("work unit " + id)));
            case NOT_DEAD -> throw ApiException.conflict("work unit " + id + " is " + queue.find(id).map(WorkUnit::state).orElse("gone")
                    + ", not dead; only dead work units can be redriven");
            case NOT_FOUND -> throw ApiException.notFound("work unit " + id);
        }
    }

    void list(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID org = caller.organizationFor(Requests.queryUuid(ctx, "organization_id", false));
        PageRequest req = PageRequest.from(ctx, api.listDefaultLimit(), api.listMaxLimit());
        ctx.json(deliveries.list(org, req));
    }
}
