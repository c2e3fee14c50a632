package dev.herald.audit;

import dev.herald.api.ApiException;
import dev.herald.api.ApiSettings;
import dev.herald.api.Caller;
import dev.herald.api.PageRequest;
import dev.herald.api.Requests;
import dev.herald.api.Router;
import dev.herald.api.Routes;
import io.javalin.http.Context;

/** {@code GET /audit-log?organization_id=X} (admin keys only; without organization_id every entry), newest first, paginated. */
final class AuditRoutes implements Routes {
    private final AuditLog log;
    private final ApiSettings api;

    AuditRoutes(AuditLog log, ApiSettings api) {
        this.log = log;
        this.api = api;
    }

    @Override
    public void register(Router r) {
        r.get("/audit-log", this::list);
    }

    void list(Context ctx) {
        if (!Caller.of(ctx).admin()) throw ApiException.forbidden("the audit log needs an admin key");
        ctx.json(log.list(Requests.queryUuid(ctx, "organization_id", false), PageRequest.from(ctx, api.listDefaultLimit(), api.listMaxLimit())));
    }
}
