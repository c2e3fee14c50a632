package dev.herald.incidents;

import java.util.Optional;
import java.util.UUID;

/** Reads one entry of the current-incidents view (served from memory, never stale). Thread-safe. */
public interface CurrentIncidentLookup {
    /** The entry of an open incident of {@code organizationId}; empty when it is not open or not that organization's. */
    Optional<CurrentIncident> get(UUID organizationId, UUID incidentId);
}
