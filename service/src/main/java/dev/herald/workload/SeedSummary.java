package dev.herald.workload;

import java.util.Map;
import java.util.UUID;

/**
 * What a seed loaded: the organization, rows per table, live and soft-deleted edges, the deepest intel-request chain,
 * diamonds (records with two or more live incoming edges), edges that close cycles, and how long it took.
 */
public record SeedSummary(UUID organizationId, String profile, long seed, Map<String, Long> counts, long liveEdges,
                          long deletedEdges, int maxDepth, long diamonds, long cycles, double seconds) {}
