package dev.herald.incidents;

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
import java.time.OffsetDateTime;
import java.util.Set;
import java.util.UUID;

/** {@code POST/GET/PATCH/DELETE /incidents[/{id}]}. */
final class IncidentRoutes implements Routes {
    private final Incidents incidents;
    private final Dependencies dependencies;
    private final ApiSettings api;

    IncidentRoutes(Incidents incidents, Dependencies dependencies, ApiSettings api) {
        this.incidents = incidents;
        this.dependencies = dependencies;
        this.api = api;
    }

    record CreateIncident(UUID organizationId, UUID locationId, String kind, String status, Integer severity, String title,
                          OffsetDateTime startedAt) {}

    record PatchIncident(String status, Integer severity, String title, UUID locationId, String kind) {}

    @Override
    public void register(Router r) {
        r.post("/incidents", this::create);
        r.get("/incidents", this::list);
        r.get("/incidents/{id}", this::get);
        r.patch("/incidents/{id}", this::patch);
        r.delete("/incidents/{id}", this::delete);
    }

    void create(Context ctx) {
        Caller caller = Caller.of(ctx);
        CreateIncident b = Requests.body(ctx, CreateIncident.class);
        UUID org = caller.organizationFor(b.organizationId());
        var n = new Incidents.NewIncident(org, Check.required(b.locationId(), "location_id"),
                Check.oneOf(b.kind(), "kind", Incidents.KINDS),
                b.status() == null ? "open" : Check.oneOf(b.status(), "status", Incidents.STATUSES),
                Check.range(b.severity(), "severity", 1, 5), Check.optionalText(b.title(), "title", 500), b.startedAt());
        ctx.status(201).json(incidents.create(n));
    }

    /** {@code GET /incidents/{id}} with the dependency options ({@link Dependencies}). */
    void get(Context ctx) {
        Dependencies.Options options = dependencies.parse(ctx);
        Incidents.Incident i = visible(ctx);
        ctx.json(dependencies.attach(i, i.organizationId(), new NodeRef(RecordType.INCIDENT, i.id()), options));
    }

    /** The live incident of the path, or 404 when it is missing, deleted or another organization's. */
    Incidents.Incident visible(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID id = Requests.pathUuid(ctx, "id");
        return incidents.find(id).filter(i -> caller.sees(i.organizationId()))
                .orElseThrow(() -> ApiException.notFound("incident " + id));
    }

    void patch(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID id = Requests.pathUuid(ctx, "id");
        PatchIncident b = Requests.body(ctx, PatchIncident.class);
        Set<String> present = Check.presentFields(ctx);
        Check.someField(present);
        for (String f : Set.of("status", "severity", "location_id", "kind")) {
            if (present.contains(f) && nullField(b, f)) throw ApiException.unprocessable(f + " cannot be null");
        }
        var ch = new Incidents.Change(b.locationId(),
                b.kind() == null ? null : Check.oneOf(b.kind(), "kind", Incidents.KINDS),
                b.status() == null ? null : Check.oneOf(b.status(), "status", Incidents.STATUSES),
                b.severity() == null ? null : Check.range(b.severity(), "severity", 1, 5),
                Check.optionalText(b.title(), "title", 500), present.contains("title") && b.title() == null);
        ctx.json(incidents.change(caller, id, ch));
    }

    private static boolean nullField(PatchIncident b, String f) {
        return switch (f) {
            case "status" -> b.status() == null;
            case "severity" -> b.severity() == null;
            case "location_id" -> b.locationId() == null;
            default -> b.kind() == null;
        };
    }

    void delete(Context ctx) {
        Caller caller = Caller.of(ctx);
        incidents.delete(caller, Requests.pathUuid(ctx, "id"));
        ctx.status(204);
    }

    void list(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID org = caller.organizationFor(Requests.queryUuid(ctx, "organization_id", false));
        String status = ctx.queryParam("status");
        if (status != null && !status.equals("open") && !status.equals("resolved")) {
            throw ApiException.badRequest("status must be open or resolved, got '" + status + "'");
        }
        PageRequest req = PageRequest.from(ctx, api.listDefaultLimit(), api.listMaxLimit());
        ctx.json(incidents.list(org, status, req));
    }
}
