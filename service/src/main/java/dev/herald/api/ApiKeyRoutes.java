package dev.herald.api;

import io.javalin.http.Context;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code GET /api-keys}, {@code POST /api-keys} and {@code DELETE /api-keys/{id}}. An organization's key lists,
 * creates ({@code read} or {@code write}) and revokes its own organization's keys; an admin key any organization's
 * ({@code organization_id}) and admin keys. Another organization's key answers exactly like a missing one (404). A
 * new key's secret is answered once; a listed key shows only its first characters.
 */
final class ApiKeyRoutes implements Routes {
    static final Set<String> SCOPES = Set.of("read", "write", "admin");

    private final ApiKeys keys;
    private final ApiSettings api;

    ApiKeyRoutes(ApiKeys keys, ApiSettings api) {
        this.keys = keys;
        this.api = api;
    }

    /** Body of {@code POST /api-keys}. */
    record CreateKey(UUID organizationId, String label, String scope, OffsetDateTime expiresAt) {}

    @Override
    public void register(Router r) {
        r.get("/api-keys", this::list);
        r.post("/api-keys", this::create);
        r.delete("/api-keys/{id}", this::revoke);
    }

    void list(Context ctx) {
        Caller caller = Caller.of(ctx);
        boolean adminKeys = "true".equals(ctx.queryParam("admin"));
        if (adminKeys && !caller.admin()) throw ApiException.forbidden("listing admin keys needs an admin key");
        UUID org = adminKeys ? null : caller.organizationFor(Requests.queryUuid(ctx, "organization_id", false));
        ctx.json(Map.of("items", keys.list(org, api.listMaxLimit())));
    }

    void create(Context ctx) {
        Caller caller = Caller.of(ctx);
        CreateKey b = Requests.body(ctx, CreateKey.class);
        String scope = b.scope() == null ? "write" : b.scope();
        if (!SCOPES.contains(scope)) throw ApiException.unprocessable("scope must be one of read, write, admin; got '" + Requests.abbreviate(scope) + "'");
        if (b.label() != null && (b.label().isBlank() || b.label().length() > 200)) throw ApiException.unprocessable("label must be 1 to 200 characters");
        if (b.expiresAt() != null && !b.expiresAt().isAfter(OffsetDateTime.now())) throw ApiException.unprocessable("expires_at must be in the future");
        UUID org;
        if ("admin".equals(scope)) {
            if (!caller.admin()) throw ApiException.forbidden("creating admin keys needs an admin key");
            if (b.organizationId() != null) throw ApiException.unprocessable("an admin key has no organization_id");
            org = null;
        } else {
            org = caller.organizationFor(b.organizationId());
        }
        ApiKeys.CreatedKey k;
        try {
            k = keys.create(org, b.label(), scope, b.expiresAt());
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("organization " + org);
        }
        ctx.status(201).json(Map.of("id", k.id(), "scope", scope, "api_key", k.secret())); // shown this once
    }

    void revoke(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID id = Requests.pathUuid(ctx, "id");
        if (!keys.revoke(id, caller.admin() ? null : caller.organizationId())) throw ApiException.notFound("api key " + id);
        ctx.json(Map.of("id", id, "revoked", true));
    }
}
