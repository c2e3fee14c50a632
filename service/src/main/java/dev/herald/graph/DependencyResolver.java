package dev.herald.graph;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Resolution of the dependency graph of one organization. Implementations are thread-safe.
 * Soft-deleted edges never count; cycles terminate; each reachable node appears once per root with its shortest distance.
 */
public interface DependencyResolver {
    /**
     * For every root, the nodes reachable in {@code direction} within {@code maxDistance} (the root itself excluded),
     * filtered to {@code types} (empty = all types; filtering never cuts paths through other types). Many roots cost one
     * statement or one in-memory pass, never one query per root. Roots of another organization resolve to nothing.
     */
    Map<NodeRef, List<Reached>> resolve(UUID organizationId, Collection<NodeRef> roots, Direction direction,
                                        int maxDistance, Set<RecordType> types, boolean withPath);

    /** The live edges touching {@code node} on one side: its dependents ({@code DEPENDENTS}) or blockers. One index-served lookup. */
    List<Edge> direct(UUID organizationId, NodeRef node, Direction direction);
}
