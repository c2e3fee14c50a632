package dev.herald.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.herald.cache.SingleFlight;
import dev.herald.current.CurrentIncidentLookup;
import dev.herald.graph.DependencyResolver;
import dev.herald.graph.Direction;
import dev.herald.graph.NodeRef;
import dev.herald.graph.Reached;
import dev.herald.graph.RecordType;
import dev.herald.json.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.LongAdder;

/**
 * Builds the context a notification is rendered from: the organization, the subject (the incident's current-incidents
 * entry, or its row once resolved; or the intel request), its dependents within the organization's max distance, and the
 * affected assets; for an impact event, the event's data as the change's transaction stored it. Independent fetches run concurrently; the result is cached by the work unit's fingerprint through
 * {@link SingleFlight}, so a burst for one subject assembles it once. Counts assemblies per fingerprint. Thread-safe.
 */
public final class ContextAssembler {
    static final String KIND = "context";

    private final PipelineReads reads;
    private final CurrentIncidentLookup incidents;
    private final DependencyResolver graph;
    private final SingleFlight singleFlight;
    private final ExecutorService fetchers;
    private final int defaultMaxDistance;
    private final Cache<String, LongAdder> assemblies;
    private final Cache<UUID, JsonNode> organizations;
    private final Counter built;
    private final Counter asked;

    ContextAssembler(PipelineReads reads, CurrentIncidentLookup incidents, DependencyResolver graph, SingleFlight singleFlight,
                     ExecutorService fetchers, int defaultMaxDistance, Duration referenceTtl, long maxEntries, MeterRegistry registry) {
        this.reads = reads;
        this.incidents = incidents;
        this.graph = graph;
        this.singleFlight = singleFlight;
        this.fetchers = fetchers;
        this.defaultMaxDistance = defaultMaxDistance;
        this.assemblies = Caffeine.newBuilder().maximumSize(maxEntries).build();
        this.organizations = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(referenceTtl).build();
        this.built = Counter.builder("herald.context.assemblies").description("Notification contexts assembled (cache misses)")
                .register(registry);
        this.asked = Counter.builder("herald.context.requests").description("Notification contexts asked for (hits and misses)")
                .register(registry);
    }

    /** A context and whether this call assembled it (false when it came from the cache or another caller's build). */
    record Assembled(JsonNode context, boolean built) {}

    /**
     * The context of a work unit: cached by its fingerprint, assembled at most once per fingerprint at a time (in every
     * process, with Redis); tells whether this call assembled it (recorded in the unit's timings as {@code context_built}).
     */
    Assembled contextOf(WorkUnit u) {
        asked.increment();
        ContextSubject subject = u.contextSubject();
        Plan p = plan(subject);
        boolean[] mine = {false};
        JsonNode ctx = singleFlight.getOrBuild(KIND, p.key(), () -> {
            mine[0] = true;
            return build(subject, p);
        });
        return new Assembled(ctx, mine[0]);
    }

    /**
     * Assembles the context of a subject whose units are still queued, unless it is cached or being assembled (in any process, with
     * Redis); never waits for another assembly. Answers whether this call assembled it. See {@link ContextReadAhead}.
     */
    boolean prepare(ContextSubject subject) {
        Plan p = plan(subject);
        return singleFlight.prepare(KIND, p.key(), () -> build(subject, p));
    }

    /** The cache key of a subject's context (its fingerprint and the organization's max distance). */
    String keyOf(ContextSubject subject) {
        return plan(subject).key();
    }

    private record Plan(JsonNode org, int maxDistance, String key) {}

    private Plan plan(ContextSubject subject) {
        JsonNode org = organization(subject.organizationId());
        int maxDistance = org.path("max_distance").isInt() ? org.get("max_distance").asInt() : defaultMaxDistance;
        return new Plan(org, maxDistance, fingerprint(subject, maxDistance));
    }

    private JsonNode build(ContextSubject subject, Plan p) {
        assemblies.get(p.key(), k -> new LongAdder()).increment();
        built.increment();
        return assemble(subject, p.org(), p.maxDistance());
    }

    /**
     * The context of an operational event: the organization, the subject, and the contact (with its health) or the
     * delivery it is about, with that delivery's contact.
     */
    private JsonNode operational(ContextSubject about, JsonNode org) {
        UUID orgId = about.organizationId();
        ObjectNode ctx = Json.mapper().createObjectNode();
        ctx.set("organization", org);
        ctx.putObject("subject").put("type", about.subjectType()).put("id", about.subjectId().toString());
        UUID contactId = about.subjectId();
        if ("delivery".equals(about.subjectType())) {
            JsonNode delivery = reads.operationalDelivery(orgId, about.subjectId()).orElse(Json.mapper().nullNode());
            ctx.set("delivery", delivery);
            contactId = delivery.hasNonNull("contact_id") ? UUID.fromString(delivery.get("contact_id").asText()) : null;
        }
        ctx.set("contact", contactId == null ? Json.mapper().nullNode()
                : reads.operationalContact(orgId, contactId).orElse(Json.mapper().nullNode()));
        return ctx;
    }

    private static JsonNode wrap(String field, JsonNode value) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.set(field, value);
        return o;
    }

    static String fingerprint(ContextSubject subject, int maxDistance) {
        String base = subject.fingerprint() != null ? subject.fingerprint() : subject.subjectType() + ":" + subject.subjectId();
        return subject.organizationId() + "/" + base + "/d" + maxDistance;
    }

    /** How many times each fingerprint was assembled in this process (for tests and benchmarks). */
    public Map<String, Long> assembliesByFingerprint() {
        Map<String, Long> out = new java.util.TreeMap<>();
        assemblies.asMap().forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    private JsonNode organization(UUID id) {
        return organizations.get(id, k -> reads.organization(k)
                .orElseThrow(() -> new IllegalStateException("organization " + k + " is gone")));
    }

    /** The fingerprint prefix of an impact event's units (SQL herald_enqueue_impact): their context is the event's data. */
    static final String IMPACT = "impact:";

    private JsonNode assemble(ContextSubject about, JsonNode org, int maxDistance) {
        UUID orgId = about.organizationId();
        if (about.fingerprint() != null && about.fingerprint().startsWith(IMPACT)) {
            long event = Long.parseLong(about.fingerprint().substring(IMPACT.length()));
            return reads.impactEvent(orgId, event).orElseThrow(() -> new IllegalStateException("impact event " + event + " is gone"));
        }
        if ("contact".equals(about.subjectType()) || "delivery".equals(about.subjectType())) {
            return operational(about, org);
        }
        boolean incident = "incident".equals(about.subjectType());
        NodeRef root = new NodeRef(incident ? RecordType.INCIDENT : RecordType.INTEL_REQUEST, about.subjectId());
        // An open incident comes from the current-incidents view ({"incident", "outages", "internet_outages",
        // "intel_requests", ...}); a resolved one is no longer there, so its row is read instead.
        CompletableFuture<JsonNode> subject = CompletableFuture.supplyAsync(() -> incident
                ? incidents.get(orgId, about.subjectId()).map(ci -> ci.entry())
                        .or(() -> reads.incident(orgId, about.subjectId()).map(row -> wrap("incident", row)))
                        .orElseGet(() -> wrap("incident", Json.mapper().nullNode()))
                : wrap("intel_request", reads.intelRequest(orgId, about.subjectId()).orElse(Json.mapper().nullNode())), fetchers);
        CompletableFuture<List<Reached>> dependents = CompletableFuture.supplyAsync(() -> graph.resolve(orgId, List.of(root),
                Direction.DEPENDENTS, maxDistance, Set.of(), false).getOrDefault(root, List.of()), fetchers);
        CompletableFuture<JsonNode> assets = dependents.thenApplyAsync(reached -> reads.assets(orgId, reached.stream()
                .filter(r -> r.node().type() == RecordType.ASSET).map(r -> r.node().id()).toList()), fetchers);
        try {
            CompletableFuture.allOf(subject, assets).join();
            ObjectNode ctx = Json.mapper().createObjectNode();
            ctx.set("organization", org);
            ctx.putObject("subject").put("type", about.subjectType()).put("id", about.subjectId().toString());
            subject.join().fields().forEachRemaining(e -> {
                if (!e.getKey().equals("assets")) ctx.set(e.getKey(), e.getValue());
            });
            ctx.put("max_distance", maxDistance);
            ArrayNode deps = ctx.putArray("dependents");
            for (Reached r : dependents.join()) {
                deps.addObject().put("type", r.node().type().wire()).put("id", r.node().id().toString()).put("distance", r.distance());
            }
            ctx.set("assets", assets.join());
            return ctx;
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw e;
        }
    }
}
