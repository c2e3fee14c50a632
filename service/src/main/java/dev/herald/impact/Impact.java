package dev.herald.impact;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.ApiSettings;
import dev.herald.api.Page;
import dev.herald.api.PageRequest;
import dev.herald.api.Routes;
import dev.herald.errors.DomainException;
import dev.herald.graph.GraphSettings;
import dev.herald.graph.NodeRef;
import dev.herald.infra.Database;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The impact feature's surface. Database triggers record, in the writer's transaction, what changed that can alter
 * impact (cheap, so nothing heavy is on the write path); the applier ({@link #startApplier}) turns those records into
 * the state and the event log in its own transactions, shortly after the write (woken by a notification). This class
 * starts it, reads the state, validates scopes, rebuilds an organization after a load that skipped triggers, and tells
 * the database the configured default max distance. Reads are as of the last apply: {@link #applyPending} brings them
 * up to date synchronously. Thread-safe.
 */
public final class Impact implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Impact.class);
    private final Database db;
    private final ImpactStore store;
    private final GraphSettings graph;
    private final ImpactSettings settings;
    private ImpactApplier applier;

    public Impact(Database db, GraphSettings graph, ImpactSettings settings, MeterRegistry registry) {
        this.db = db;
        this.store = new ImpactStore(db, settings.rebuildTimeout());
        this.graph = graph;
        this.settings = settings;
        Gauge.builder("herald.impact.pending.age", store, ImpactStore::oldestPendingSeconds).baseUnit("seconds")
                .description("Age of the oldest recorded impact change not yet applied (0 when none)").register(registry);
    }

    /**
     * Starts this process's applier (idempotent): every process that runs consumers runs one; they share the work per
     * organization.
     */
    public synchronized void startApplier() {
        if (applier == null) applier = new ImpactApplier(db, store, settings).start();
    }

    /**
     * Applies every change recorded so far, in this thread, and returns how many it consumed: after it returns, every
     * write committed before the call is reflected in the state and the event log.
     */
    public int applyPending() {
        return ImpactApplier.applyPending(store, settings.applyBatch(), true);
    }

    @Override
    public synchronized void close() {
        if (applier != null) applier.close();
        applier = null;
    }

    /**
     * Writes {@code graph.default-max-distance} where the triggers read it; when it changed, rebuilds every
     * organization that has no max distance of its own (their impact depends on it). Call once at start.
     */
    public void syncDefaultDistance() {
        if (store.setDefaultDistance(graph.defaultMaxDistance())) {
            int events = 0;
            List<UUID> orgs = store.organizations(ImpactStore.ORGS_ON_DEFAULT);
            for (UUID org : orgs) events += store.rebuild(org);
            if (!orgs.isEmpty()) {
                log.info("impact: graph.default-max-distance is now {}; rebuilt {} organization(s), {} event(s)",
                        graph.defaultMaxDistance(), orgs.size(), events);
            }
        }
    }

    /**
     * Recomputes the organization's whole impact from the source tables and writes the events of every difference
     * (none when the triggers kept it). For after a load that skipped triggers. Returns the number of events written.
     */
    public int rebuild(UUID org) {
        return store.rebuild(org);
    }

    /** Every organization's id, for a rebuild of all. */
    public List<UUID> organizations() {
        return store.organizations(ImpactStore.ORGANIZATIONS);
    }

    /**
     * Refuses a scope naming a record that is missing, deleted or another organization's (422, one message for all
     * three so another tenant's ids are not revealed), or more hops than {@code graph.max-distance-cap} (422).
     */
    public void validate(UUID org, ImpactScope scope) {
        if (scope.hops() != null && (scope.hops() < 1 || scope.hops() > graph.maxDistanceCap())) {
            throw DomainException.invalid("hops", "hops must be between 1 and " + graph.maxDistanceCap()
                    + " (setting graph.max-distance-cap), got " + scope.hops());
        }
        if (!scope.subjects().isEmpty() && !store.allLive(org, scope.subjects())) {
            throw DomainException.invalid("subjects", "subjects names a record that does not exist in this organization");
        }
        if (scope.within() != null && !store.allLive(org, List.of(scope.within()))) {
            throw DomainException.invalid("within", "within names a record that does not exist in this organization");
        }
        if (!scope.assetTypes().isEmpty() && !store.assetTypesLive(org, scope.assetTypes())) {
            throw DomainException.invalid("asset_types", "asset_types names an asset type that does not exist in this organization");
        }
    }

    /** The affected subjects of {@code org} inside a validated scope, by subject id. */
    public Page<JsonNode> affected(UUID org, ImpactScope scope, PageRequest page) {
        return store.page(org, scope, page);
    }

    /**
     * The affected subjects a contact hears impact events about (its subscription, as the fan-out evaluates it), for a
     * receiver that reconciles after an outage of its own; 404 when the contact is not the organization's.
     */
    public Page<JsonNode> affectedFor(UUID org, UUID contact, PageRequest page) {
        if (!store.contactOf(org, contact)) throw DomainException.notFound("contact " + contact);
        return store.pageForContact(org, contact, page);
    }

    /** One subject's impact (empty impacts when nothing reaches it), or empty when it never had any impact state. */
    public Optional<JsonNode> ofSubject(UUID org, NodeRef subject) {
        return store.ofSubject(org, subject);
    }

    /** Whether the record is live in the organization. */
    boolean live(UUID org, NodeRef ref) {
        return store.allLive(org, List.of(ref));
    }

    /** {@code GET /impact} and {@code GET /assets/{id}/impact}. */
    public Routes routes(ApiSettings api) {
        return new ImpactRoutes(this, api);
    }
}
