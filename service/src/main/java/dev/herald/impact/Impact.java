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
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The impact feature's surface. The state and the event log are written by database triggers in the writer's
 * transaction (so nothing here is on the write path); this class reads them, validates scopes, rebuilds an
 * organization after a load that skipped triggers, and tells the triggers the configured default max distance.
 * Thread-safe (stateless beyond the database).
 */
public final class Impact {
    private static final Logger log = LoggerFactory.getLogger(Impact.class);
    private final ImpactStore store;
    private final GraphSettings graph;

    public Impact(Database db, GraphSettings graph, ImpactSettings settings) {
        this.store = new ImpactStore(db, settings.rebuildTimeout());
        this.graph = graph;
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
