package dev.herald.organizations;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.ApiException;
import dev.herald.api.ApiKeys;
import dev.herald.api.Caller;
import dev.herald.api.Requests;
import dev.herald.api.Router;
import dev.herald.api.Routes;
import io.javalin.http.Context;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /organizations} (admin keys), {@code GET /organizations/{id}} and {@code PATCH /organizations/{id}} (its
 * own retry schedule; null clears it). Another organization answers like a missing one (404).
 */
final class OrganizationRoutes implements Routes {
    private final Organizations organizations;
    private final ApiKeys keys;
    private final java.time.Duration maxRetryHorizon;

    OrganizationRoutes(Organizations organizations, ApiKeys keys, java.time.Duration maxRetryHorizon) {
        this.organizations = organizations;
        this.keys = keys;
        this.maxRetryHorizon = maxRetryHorizon;
    }

    /** Body of {@code POST /organizations}. */
    record CreateOrganization(String name, Integer maxDistance, Boolean everyChange, JsonNode settings, Boolean createKey,
                              JsonNode retrySchedule) {}

    /** Body of {@code PATCH /organizations/{id}}: only what is present changes. */
    record PatchOrganization(JsonNode retrySchedule) {}

    @Override
    public void register(Router r) {
        r.post("/organizations", this::create);
        r.get("/organizations/{id}", this::get);
        r.patch("/organizations/{id}", this::patch);
    }

    void patch(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID id = Requests.pathUuid(ctx, "id");
        if (!caller.sees(id) || organizations.find(id).isEmpty()) throw ApiException.notFound("organization " + id);
        PatchOrganization body = Requests.body(ctx, PatchOrganization.class);
        if (body.retrySchedule() != null) {
            organizations.setRetrySchedule(id, Requests.retrySchedule(body.retrySchedule(), "retry_schedule", maxRetryHorizon));
        }
        ctx.json(organizations.find(id).orElseThrow(() -> ApiException.notFound("organization " + id)));
    }

    void create(Context ctx) {
        Caller caller = Caller.of(ctx);
        if (!caller.admin()) {
            throw ApiException.forbidden("creating organizations needs an admin key");
        }
        CreateOrganization body = Requests.body(ctx, CreateOrganization.class);
        if (body.name() == null || body.name().isBlank() || body.name().length() > 200) {
            throw ApiException.unprocessable("name is required (1 to 200 characters)");
        }
        if (body.maxDistance() != null && (body.maxDistance() < 1 || body.maxDistance() > 100)) {
            throw ApiException.unprocessable("max_distance must be between 1 and 100");
        }
        if (body.settings() != null && !body.settings().isObject()) {
            throw ApiException.unprocessable("settings must be a JSON object");
        }
        var schedule = Requests.retrySchedule(body.retrySchedule(), "retry_schedule", maxRetryHorizon);
        var org = organizations.create(body.name().trim(), body.maxDistance(), Boolean.TRUE.equals(body.everyChange()), body.settings(), schedule);
        if (Boolean.TRUE.equals(body.createKey())) {
            var key = keys.create(org.id(), "created with the organization");
            ctx.status(201).json(Map.of("organization", org, "api_key", key.secret()));
            return;
        }
        ctx.status(201).json(org);
    }

    void get(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID id = Requests.pathUuid(ctx, "id");
        if (!caller.sees(id)) {
            throw ApiException.notFound("organization " + id);
        }
        ctx.json(organizations.find(id).orElseThrow(() -> ApiException.notFound("organization " + id)));
    }
}
