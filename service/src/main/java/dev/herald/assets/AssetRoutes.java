package dev.herald.assets;

import dev.herald.api.ApiException;
import dev.herald.api.ApiSettings;
import dev.herald.api.Caller;
import dev.herald.api.PageRequest;
import dev.herald.api.Requests;
import dev.herald.api.Router;
import dev.herald.api.Routes;
import dev.herald.records.Check;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code POST|GET /asset-types}, {@code POST|GET /assets}, {@code GET /assets/{id}}, {@code POST /assets/bulk}.
 * A bulk call naming an id that is missing, deleted or another organization's answers 404 naming that id (nothing
 * of the others is returned), so a caller never mistakes a partial answer for a whole one.
 */
final class AssetRoutes implements Routes {
    private final AssetTypes types;
    private final Assets assets;
    private final ApiSettings api;

    AssetRoutes(AssetTypes types, Assets assets, ApiSettings api) {
        this.types = types;
        this.assets = assets;
        this.api = api;
    }

    record CreateAssetType(UUID organizationId, String name) {}

    record CreateAsset(UUID organizationId, UUID assetTypeId, UUID locationId, String name) {}

    record BulkIds(List<UUID> ids) {}

    @Override
    public void register(Router r) {
        r.post("/asset-types", this::createType);
        r.get("/asset-types", this::listTypes);
        r.post("/assets/bulk", this::bulk);
        r.post("/assets", this::create);
        r.get("/assets", this::list);
        r.get("/assets/{id}", this::get);
    }

    void createType(Context ctx) {
        Caller caller = Caller.of(ctx);
        CreateAssetType b = Requests.body(ctx, CreateAssetType.class);
        UUID org = caller.organizationFor(b.organizationId());
        ctx.status(201).json(types.create(org, Check.text(b.name(), "name", 200)));
    }

    void listTypes(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID org = caller.organizationFor(Requests.queryUuid(ctx, "organization_id", false));
        ctx.json(types.list(org, page(ctx)));
    }

    void create(Context ctx) {
        Caller caller = Caller.of(ctx);
        CreateAsset b = Requests.body(ctx, CreateAsset.class);
        UUID org = caller.organizationFor(b.organizationId());
        ctx.status(201).json(assets.create(org, Check.required(b.assetTypeId(), "asset_type_id"),
                Check.required(b.locationId(), "location_id"), Check.text(b.name(), "name", 500)));
    }

    void get(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID id = Requests.pathUuid(ctx, "id");
        ctx.json(assets.findDetailed(List.of(id)).stream().filter(a -> caller.sees(a.organizationId())).findFirst()
                .orElseThrow(() -> ApiException.notFound("asset " + id)));
    }

    void list(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID org = caller.organizationFor(Requests.queryUuid(ctx, "organization_id", false));
        ctx.json(assets.list(org, page(ctx)));
    }

    void bulk(Context ctx) {
        Caller caller = Caller.of(ctx);
        BulkIds b = Requests.body(ctx, BulkIds.class);
        List<UUID> ids = Check.bulkIds(b.ids(), "ids", api.bulkMaxIds());
        Map<UUID, Assets.DetailedAsset> found = assets.findDetailed(ids).stream()
                .filter(a -> caller.sees(a.organizationId()))
                .collect(Collectors.toMap(Assets.DetailedAsset::id, Function.identity()));
        List<Assets.DetailedAsset> items = new ArrayList<>(ids.size());
        for (UUID id : ids) {
            Assets.DetailedAsset a = found.get(id);
            if (a == null) throw ApiException.notFound("asset " + id);
            items.add(a);
        }
        ctx.json(Map.of("items", items));
    }

    private PageRequest page(Context ctx) {
        return PageRequest.from(ctx, api.listDefaultLimit(), api.listMaxLimit());
    }
}
