package dev.herald.current;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;

/**
 * One entry of the current-incidents view: an open incident with its location, outages (with locations), affected
 * assets, directly dependent intel requests, their parent intel requests, and internet outages.
 *
 * @param version increases every time the entry changes; a cached copy with an older version is stale
 * @param entry   the entry as a JSON document (the shape {@code GET /incidents/current/{id}} answers)
 */
public record CurrentIncident(UUID organizationId, UUID incidentId, long version, JsonNode entry) {}
