package dev.herald.current;

import dev.herald.api.ApiException;
import dev.herald.api.Caller;
import dev.herald.api.PageRequest;
import dev.herald.api.Requests;
import dev.herald.api.Router;
import dev.herald.api.Routes;
import io.javalin.http.Context;
import java.util.Iterator;
import java.util.UUID;

/**
 * {@code GET /incidents/current?organization_id=X} (the whole view, paginated by incident id, up to
 * {@code api.current-max-limit} per page) and {@code GET /incidents/current/{id}}. Bodies are the stored entries'
 * JSON written out as is: no aggregation and no re-serialization on the read path.
 */
final class CurrentIncidentsRoutes implements Routes {
    private final CurrentIncidentsCache cache;
    private final CurrentIncidentsStore store;
    private final int defaultLimit;
    private final int maxLimit;

    CurrentIncidentsRoutes(CurrentIncidentsCache cache, CurrentIncidentsStore store, int defaultLimit, int maxLimit) {
        this.cache = cache;
        this.store = store;
        this.defaultLimit = Math.min(defaultLimit, maxLimit);
        this.maxLimit = maxLimit;
    }

    @Override
    public void register(Router r) {
        r.get("/incidents/current", this::list);
        r.get("/incidents/current/{id}", this::one);
    }

    void list(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID requested = Requests.queryUuid(ctx, "organization_id", true);
        UUID org = caller.organizationFor(requested);
        PageRequest page = PageRequest.from(ctx, defaultLimit, maxLimit);
        UUID after = page.after() == null ? null : cursorId(page.after());
        CurrentIncidentsView view = cache.current(org).orElseThrow(() -> ApiException.notFound("organization " + org));
        ctx.contentType("application/json").result(pageJson(view, after, page.limit(), page.count()));
    }

    void one(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID id = Requests.pathUuid(ctx, "id");
        UUID requested = Requests.queryUuid(ctx, "organization_id", false);
        UUID org;
        if (caller.admin() && requested == null) {
            org = store.organizationOf(id).orElseThrow(() -> ApiException.notFound("current incident " + id));
        } else {
            org = caller.organizationFor(requested);
        }
        CurrentIncidentsView view = cache.current(org).orElseThrow(() -> ApiException.notFound("organization " + org));
        CurrentIncidentsView.Entry e = view.get(id);
        if (e == null) {
            throw ApiException.notFound("current incident " + id);
        }
        ctx.header("ETag", "\"" + e.version + "\"").contentType("application/json").result(e.json);
    }

    private static UUID cursorId(String after) {
        try {
            return Requests.uuid(after, "cursor");
        } catch (ApiException e) {
            throw ApiException.badRequest("cursor is malformed; pass back the next_cursor of the previous page");
        }
    }

    /** {@code {"items":[...],"has_more":b,"next_cursor"?:c,"total"?:n}} from a snapshot, by string concatenation. */
    static String pageJson(CurrentIncidentsView view, UUID after, int limit, boolean count) {
        var tail = after == null ? view.entries() : view.entries().tailMap(after.toString(), false);
        StringBuilder sb = new StringBuilder(64 + Math.min(tail.size(), limit) * 1024);
        sb.append("{\"items\":[");
        Iterator<CurrentIncidentsView.Entry> it = tail.values().iterator();
        int n = 0;
        CurrentIncidentsView.Entry last = null;
        while (n < limit && it.hasNext()) {
            last = it.next();
            if (n++ > 0) sb.append(',');
            sb.append(last.json);
        }
        boolean more = it.hasNext();
        sb.append("],\"has_more\":").append(more);
        if (more) {
            sb.append(",\"next_cursor\":\"").append(PageRequest.encode(last.incidentId.toString())).append('"');
        }
        if (count) {
            sb.append(",\"total\":").append(view.size());
        }
        return sb.append('}').toString();
    }
}
