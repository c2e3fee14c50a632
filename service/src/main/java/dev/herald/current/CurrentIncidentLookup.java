package dev.herald.current;

import java.util.Optional;
import java.util.UUID;

/**
 * Reads one entry of the current-incidents view, served from memory. The pipeline's lookup: a work unit is queued by
 * the same commit that changed its incident, and a consumer may claim it before the change feed announced that
 * commit, so this read always checks the view version in the database first (one primary-key lookup, whatever
 * {@code current.consistency} says). Thread-safe.
 */
public interface CurrentIncidentLookup {
    /**
     * The entry of an open incident of {@code organizationId}, including every change committed before the call; empty
     * when it is not open or not that organization's.
     */
    Optional<CurrentIncident> get(UUID organizationId, UUID incidentId);
}
