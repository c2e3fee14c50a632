package dev.herald.impact;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.ApiException;
import dev.herald.api.ApiSettings;
import dev.herald.api.Caller;
import dev.herald.api.PageRequest;
import dev.herald.api.Requests;
import dev.herald.api.Router;
import dev.herald.api.Routes;
import dev.herald.graph.NodeRef;
import dev.herald.graph.RecordType;
import dev.herald.json.Json;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /impact?organization_id&subjects&asset_types&regions&within&hops} (the affected subjects inside a scope,
 * paginated by subject id), {@code GET /impact?contact_id=X} (those the contact's subscription hears about: a receiver
 * knocked out by the outage reconciles from it; another organization's contact answers 404) and {@code GET /assets/{id}/impact} (one asset). Scope parameters are comma-separated
 * lists: {@code subjects=asset:ID,intel_request:ID}, {@code asset_types=ID,...}, {@code regions=a,b},
 * {@code within=TYPE:ID&hops=N}. Malformed: 400; a record that is missing or another organization's: 422 (the same
 * answer for both); hops out of 1..graph.max-distance-cap: 422.
 */
final class ImpactRoutes implements Routes {
    private final Impact impact;
    private final ApiSettings api;
    ImpactRoutes(Impact impact, ApiSettings api) {
        this.impact = impact;
        this.api = api;
    }

    @Override
    public void register(Router r) {
        r.get("/impact", this::list);
        r.get("/assets/{id}/impact", this::asset);
    }

    void list(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID org = caller.organizationFor(Requests.queryUuid(ctx, "organization_id", false));
        PageRequest page = PageRequest.from(ctx, api.listDefaultLimit(), api.listMaxLimit());
        UUID contact = Requests.queryUuid(ctx, "contact_id", false);
        if (contact != null) {
            for (String p : List.of("subjects", "asset_types", "regions", "within", "hops")) {
                if (ctx.queryParam(p) != null) throw ApiException.badRequest("contact_id takes the contact's own scope; leave out " + p);
            }
            ctx.json(impact.affectedFor(org, contact, page));
            return;
        }
        ImpactScope scope = scope(ctx);
        impact.validate(org, scope);
        ctx.json(impact.affected(org, scope, page));
    }

    void asset(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID id = Requests.pathUuid(ctx, "id");
        UUID org = caller.organizationFor(Requests.queryUuid(ctx, "organization_id", false));
        NodeRef ref = new NodeRef(RecordType.ASSET, id);
        if (!impact.live(org, ref)) throw ApiException.notFound("asset " + id);
        JsonNode item = impact.ofSubject(org, ref).orElseGet(() -> {
            var o = Json.mapper().createObjectNode();
            o.putObject("subject").put("type", "asset").put("id", id.toString());
            o.put("sequence", 0);
            o.putNull("estimated_restoration");
            o.putArray("impacts");
            return o;
        });
        ctx.json(item);
    }

    private ImpactScope scope(Context ctx) {
        List<NodeRef> subjects = new ArrayList<>();
        for (String s : list(ctx, "subjects")) {
            NodeRef ref = ref(s, "subjects");
            if (ref.type() != RecordType.ASSET && ref.type() != RecordType.INTEL_REQUEST) {
                throw ApiException.badRequest("subjects: a subject is asset:ID or intel_request:ID, got '" + Requests.abbreviate(s) + "'");
            }
            subjects.add(ref);
        }
        List<UUID> types = list(ctx, "asset_types").stream().map(t -> Requests.uuid(t, "asset_types")).toList();
        List<String> regions = list(ctx, "regions");
        String within = ctx.queryParam("within");
        String hopsRaw = ctx.queryParam("hops");
        NodeRef from = null;
        Integer hops = null;
        if (within != null && !within.isEmpty()) {
            from = ref(within, "within");
            if (hopsRaw == null || hopsRaw.isEmpty()) throw ApiException.badRequest("hops is required with within");
            try {
                hops = Integer.parseInt(hopsRaw.trim());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("hops must be a whole number, got '" + Requests.abbreviate(hopsRaw) + "'");
            }
        } else if (hopsRaw != null && !hopsRaw.isEmpty()) {
            throw ApiException.badRequest("hops needs within=TYPE:ID");
        }
        return new ImpactScope(subjects, types, regions, from, hops);
    }

    private List<String> list(Context ctx, String name) {
        List<String> out = new ArrayList<>();
        for (String raw : ctx.queryParams(name)) {
            for (String part : raw.split(",")) {
                String p = part.trim();
                if (!p.isEmpty()) out.add(p);
            }
        }
        if (out.size() > api.bulkMaxIds()) {
            throw ApiException.badRequest(name + " takes at most " + api.bulkMaxIds() + " values (setting api.bulk-max-ids), got " + out.size());
        }
        return out;
    }

    private static NodeRef ref(String s, String field) {
        int colon = s.indexOf(':');
        if (colon < 0) throw ApiException.badRequest(field + " must be TYPE:ID, got '" + Requests.abbreviate(s) + "'");
        RecordType type;
        try {
            type = RecordType.parse(s.substring(0, colon));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(field + ": " + e.getMessage());
        }
        return new NodeRef(type, Requests.uuid(s.substring(colon + 1), field));
    }
}
