package dev.herald.events;

import dev.herald.api.Routes;
import dev.herald.api.Router;
import io.javalin.http.Context;

/** {@code GET /event-types} (the catalog) and {@code GET /event-types/{type}} (one type); any valid key reads them. */
public final class EventRoutes implements Routes {
    private final EventCatalog catalog;

    public EventRoutes(EventCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public void register(Router r) {
        r.get("/event-types", this::list);
        r.get("/event-types/{type}", this::one);
    }

    void list(Context ctx) {
        ctx.json(catalog.toJson());
    }

    void one(Context ctx) {
        ctx.json(EventCatalog.json(catalog.find(ctx.pathParam("type"))
                .orElseThrow(() -> dev.herald.errors.DomainException.notFound("event type"))));
    }
}
