package dev.herald.incidents;

import dev.herald.api.ApiException;
import dev.herald.api.Caller;
import dev.herald.api.Requests;
import dev.herald.api.Router;
import dev.herald.api.Routes;
import dev.herald.records.Check;
import io.javalin.http.Context;
import java.time.OffsetDateTime;
import java.util.Set;
import java.util.UUID;

/**
 * {@code POST /outages}, {@code PATCH|DELETE /outages/{id}}, {@code POST /internet-outages},
 * {@code PATCH|DELETE /internet-outages/{id}}. In a PATCH an absent field stays, an explicit null clears it.
 */
final class OutageRoutes implements Routes {
    private final Outages outages;
    private final InternetOutages internetOutages;

    OutageRoutes(Outages outages, InternetOutages internetOutages) {
        this.outages = outages;
        this.internetOutages = internetOutages;
    }

    record CreateOutage(UUID organizationId, UUID incidentId, UUID locationId, String utility, Integer customersAffected,
                        OffsetDateTime estimatedRestoration) {}

    record PatchOutage(OffsetDateTime estimatedRestoration, Integer customersAffected, UUID locationId) {}

    record CreateInternetOutage(UUID organizationId, UUID incidentId, String provider, String service, OffsetDateTime startedAt,
                                OffsetDateTime estimatedRestoration) {}

    record PatchInternetOutage(String provider, String service, OffsetDateTime estimatedRestoration) {}

    @Override
    public void register(Router r) {
        r.post("/outages", this::createOutage);
        r.patch("/outages/{id}", this::patchOutage);
        r.delete("/outages/{id}", this::deleteOutage);
        r.post("/internet-outages", this::createInternetOutage);
        r.patch("/internet-outages/{id}", this::patchInternetOutage);
        r.delete("/internet-outages/{id}", this::deleteInternetOutage);
    }

    void createOutage(Context ctx) {
        Caller caller = Caller.of(ctx);
        CreateOutage b = Requests.body(ctx, CreateOutage.class);
        UUID org = caller.organizationFor(b.organizationId());
        var n = new Outages.NewOutage(org, Check.required(b.incidentId(), "incident_id"), b.locationId(),
                Check.text(b.utility(), "utility", 200), customers(b.customersAffected()), b.estimatedRestoration());
        ctx.status(201).json(outages.create(n));
    }

    void patchOutage(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID id = Requests.pathUuid(ctx, "id");
        PatchOutage b = Requests.body(ctx, PatchOutage.class);
        Set<String> present = Check.presentFields(ctx);
        Check.someField(present);
        var ch = new Outages.Change(present.contains("location_id"), b.locationId(),
                present.contains("customers_affected"), customers(b.customersAffected()),
                present.contains("estimated_restoration"), b.estimatedRestoration());
        ctx.json(outages.change(caller, id, ch));
    }

    void deleteOutage(Context ctx) {
        outages.delete(Caller.of(ctx), Requests.pathUuid(ctx, "id"));
        ctx.status(204);
    }

    void createInternetOutage(Context ctx) {
        Caller caller = Caller.of(ctx);
        CreateInternetOutage b = Requests.body(ctx, CreateInternetOutage.class);
        UUID org = caller.organizationFor(b.organizationId());
        var n = new InternetOutages.NewInternetOutage(org, Check.required(b.incidentId(), "incident_id"),
                Check.text(b.provider(), "provider", 200), Check.optionalText(b.service(), "service", 200), b.startedAt(),
                b.estimatedRestoration());
        ctx.status(201).json(internetOutages.create(n));
    }

    void patchInternetOutage(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID id = Requests.pathUuid(ctx, "id");
        PatchInternetOutage b = Requests.body(ctx, PatchInternetOutage.class);
        Set<String> present = Check.presentFields(ctx);
        Check.someField(present);
        if (present.contains("provider") && b.provider() == null) throw ApiException.unprocessable("provider cannot be null");
        var ch = new InternetOutages.Change(Check.optionalText(b.provider(), "provider", 200), present.contains("service"),
                Check.optionalText(b.service(), "service", 200), present.contains("estimated_restoration"),
                b.estimatedRestoration());
        ctx.json(internetOutages.change(caller, id, ch));
    }

    void deleteInternetOutage(Context ctx) {
        internetOutages.delete(Caller.of(ctx), Requests.pathUuid(ctx, "id"));
        ctx.status(204);
    }

    private static Integer customers(Integer n) {
        if (n != null && n < 0) throw ApiException.unprocessable("customers_affected must be 0 or more, got " + n);
        return n;
    }
}
