package dev.herald.impact;

import dev.herald.graph.NodeRef;
import dev.herald.graph.RecordType;
import dev.herald.json.Json;
import java.util.List;
import java.util.UUID;

/**
 * Which subjects a reader (or a contact) is asking about: specific subjects, assets of given types, assets in given
 * regions, and/or anything within {@code hops} edges downstream of a record. Each present part narrows (AND); the empty
 * scope is the whole organization. Immutable. Evaluated in SQL by the one predicate {@code impact_in_scope(org,
 * scope jsonb, subject_type, subject_id)} over {@link #toJson()}; check it first with {@link Impact#validate}.
 *
 * @param subjects   assets / intel requests, or empty
 * @param assetTypes asset type ids, or empty
 * @param regions    location regions (exact), or empty
 * @param within     the record the hops count from, or null
 * @param hops       edges from {@code within} (1..graph.max-distance-cap), or null without {@code within}
 */
public record ImpactScope(List<NodeRef> subjects, List<UUID> assetTypes, List<String> regions, NodeRef within, Integer hops) {
    public ImpactScope {
        subjects = List.copyOf(subjects);
        assetTypes = List.copyOf(assetTypes);
        regions = List.copyOf(regions);
        if ((within == null) != (hops == null)) throw new IllegalArgumentException("within and hops go together");
        for (NodeRef s : subjects) {
            if (s.type() != RecordType.ASSET && s.type() != RecordType.INTEL_REQUEST) {
                throw new IllegalArgumentException("a subject is an asset or an intel request, not " + s.type());
            }
        }
    }

    /** The whole organization. */
    public static final ImpactScope ALL = new ImpactScope(List.of(), List.of(), List.of(), null, null);

    /** The scope as {@code impact_in_scope} reads it. */
    public String toJson() {
        var o = Json.mapper().createObjectNode();
        if (!subjects.isEmpty()) {
            var a = o.putArray("subjects");
            subjects.forEach(s -> a.addObject().put("type", s.type().wire()).put("id", s.id().toString()));
        }
        if (!assetTypes.isEmpty()) {
            var a = o.putArray("asset_types");
            assetTypes.forEach(t -> a.add(t.toString()));
        }
        if (!regions.isEmpty()) {
            var a = o.putArray("regions");
            regions.forEach(a::add);
        }
        if (within != null) {
            o.putObject("within").put("type", within.type().wire()).put("id", within.id().toString()).put("hops", hops);
        }
        return o.toString();
    }
}
