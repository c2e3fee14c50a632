package dev.herald.locations;

import dev.herald.api.ApiException;
import dev.herald.api.ApiSettings;
import dev.herald.api.Caller;
import dev.herald.api.PageRequest;
import dev.herald.api.Requests;
import dev.herald.api.Router;
import dev.herald.api.Routes;
import dev.herald.records.Check;
import io.javalin.http.Context;
import java.util.UUID;

/** {@code POST /locations}, {@code GET /locations/{id}}, {@code GET /locations}. */
final class LocationRoutes implements Routes {
    private final Locations locations;
    private final ApiSettings api;

    LocationRoutes(Locations locations, ApiSettings api) {
        this.locations = locations;
        this.api = api;
    }

    record CreateLocation(UUID organizationId, Double lat, Double lon, String thoroughfare, String locality, String region,
                          String postcode) {}

    @Override
    public void register(Router r) {
        r.post("/locations", this::create);
        r.get("/locations/{id}", this::get);
        r.get("/locations", this::list);
    }

    void create(Context ctx) {
        Caller caller = Caller.of(ctx);
        CreateLocation b = Requests.body(ctx, CreateLocation.class);
        UUID org = caller.organizationFor(b.organizationId());
        var n = new Locations.NewLocation(org, Check.range(b.lat(), "lat", -90, 90), Check.range(b.lon(), "lon", -180, 180),
                Check.optionalText(b.thoroughfare(), "thoroughfare", 500), Check.optionalText(b.locality(), "locality", 200),
                Check.optionalText(b.region(), "region", 200), Check.optionalText(b.postcode(), "postcode", 40));
        ctx.status(201).json(locations.create(n));
    }

    void get(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID id = Requests.pathUuid(ctx, "id");
        ctx.json(locations.find(id).filter(l -> caller.sees(l.organizationId()))
                .orElseThrow(() -> ApiException.notFound("location " + id)));
    }

    void list(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID org = caller.organizationFor(Requests.queryUuid(ctx, "organization_id", false));
        PageRequest req = PageRequest.from(ctx, api.listDefaultLimit(), api.listMaxLimit());
        ctx.json(locations.list(org, req));
    }
}
