package dev.herald.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.herald.json.Json;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;

/**
 * One notification job as stored: (organization, subject, event, contact), its queue state, attempts, lease and the
 * step timings of its last attempt. Immutable.
 */
record WorkUnit(UUID id, UUID organizationId, String subjectType, UUID subjectId, UUID incidentId, String event,
                       UUID contactId, String channel, String fingerprint, String state, int attempts, int maxAttempts,
                       OffsetDateTime runAt, OffsetDateTime leaseUntil, String leasedBy, String lastError,
                       JsonNode timings, OffsetDateTime createdAt, OffsetDateTime updatedAt, OffsetDateTime finishedAt,
                       UUID supersededBy) {

    static final String COLUMNS = "id, organization_id, subject_type, subject_id, incident_id, event, contact_id, channel, "
            + "fingerprint, state, attempts, max_attempts, run_at, lease_until, leased_by, last_error, timings, created_at, "
            + "updated_at, finished_at, superseded_by";

    /** What this unit's context is assembled from (see {@link ContextAssembler}). */
    ContextSubject contextSubject() {
        return new ContextSubject(organizationId, subjectType, subjectId, fingerprint);
    }

    static WorkUnit from(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new WorkUnit(rs.getObject("id", UUID.class), rs.getObject("organization_id", UUID.class),
                rs.getString("subject_type"), rs.getObject("subject_id", UUID.class), rs.getObject("incident_id", UUID.class),
                rs.getString("event"), rs.getObject("contact_id", UUID.class), rs.getString("channel"),
                rs.getString("fingerprint"), rs.getString("state"), rs.getInt("attempts"), rs.getInt("max_attempts"),
                rs.getObject("run_at", OffsetDateTime.class), rs.getObject("lease_until", OffsetDateTime.class),
                rs.getString("leased_by"), rs.getString("last_error"), Objects.requireNonNullElse(Json.readStored(rs.getString("timings"), "work unit timings"), NullNode.getInstance()),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class),
                rs.getObject("finished_at", OffsetDateTime.class), rs.getObject("superseded_by", UUID.class));
    }
}
