package dev.herald.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.infra.Database;
import dev.herald.json.Json;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The reads context assembly needs beyond the current-incidents view and the graph: each one statement, scoped by
 * organization, answering JSON built by PostgreSQL. Thread-safe.
 */
final class PipelineReads {
    static final String ORGANIZATION = """
            SELECT jsonb_build_object('id', id, 'name', name, 'max_distance', max_distance, 'every_change', every_change)
            FROM organizations WHERE id = ?""";
    /**
     * A resolved (or not yet viewed) incident: not in the current-incidents view, so read from its row, as the same SQL
     * function builds it for the view ({@code herald_incident_json}: one JSON shape and timestamp format).
     */
    static final String INCIDENT = """
            SELECT herald_incident_json(i) FROM incidents i WHERE i.id = ? AND i.organization_id = ? AND i.deleted_at IS NULL""";
    static final String INTEL_REQUEST = """
            SELECT jsonb_build_object('id', id, 'parent_id', parent_id, 'question', question, 'status', status,
                   'created_at', created_at, 'updated_at', updated_at)
            FROM intel_requests WHERE id = ? AND organization_id = ? AND deleted_at IS NULL""";
    /**
     * The assets of a context as plain rows (built into JSON by the caller: asking PostgreSQL for jsonb made it build,
     * sort and print JSON the JVM then parsed again, the larger part of a context's cost in the burst benchmark).
     */
    static final String ASSETS = """
            SELECT a.id, a.name, t.name AS type, l.lat, l.lon, l.thoroughfare, l.locality, l.region, l.postcode
            FROM assets a
            JOIN asset_types t ON t.id = a.asset_type_id AND t.deleted_at IS NULL
            JOIN locations l ON l.id = a.location_id AND l.deleted_at IS NULL
            WHERE a.organization_id = ? AND a.id = ANY(?) AND a.deleted_at IS NULL
            ORDER BY a.id""";

    /** The data of an impact event (V89), exactly as stored in the change's transaction: the context of its units. */
    static final String IMPACT_EVENT = "SELECT data::text FROM impact_events WHERE id = ? AND organization_id = ?";
    /** The contact an operational event is about, with its health; never a secret. */
    static final String OPERATIONAL_CONTACT = """
            SELECT jsonb_build_object('id', id, 'channel', channel, 'target', target, 'disabled', disabled_at IS NOT NULL,
                   'disabled_at', disabled_at, 'disabled_reason', disabled_reason, 'consecutive_failures', consecutive_failures,
                   'failing_since', failing_since, 'last_failure_at', last_failure_at, 'last_success_at', last_success_at,
                   'last_error', last_error, 'paused_until', paused_until)
            FROM contacts WHERE id = ? AND organization_id = ?""";
    /** The delivery a {@code delivery.exhausted} event is about. */
    static final String OPERATIONAL_DELIVERY = """
            SELECT jsonb_build_object('id', id, 'work_unit_id', work_unit_id, 'contact_id', contact_id, 'event', event,
                   'subject', jsonb_build_object('type', subject_type, 'id', subject_id), 'status', status,
                   'attempts', attempts, 'response_code', response_code, 'error', error, 'created_at', created_at)
            FROM deliveries WHERE id = ? AND organization_id = ?""";

    private final Database db;

    PipelineReads(Database db) {
        this.db = db;
    }

    Optional<JsonNode> organization(UUID id) {
        return one("Pipeline.ORGANIZATION", ORGANIZATION, id, null);
    }

    Optional<JsonNode> incident(UUID org, UUID id) {
        return one("Pipeline.INCIDENT", INCIDENT, id, org);
    }

    Optional<JsonNode> intelRequest(UUID org, UUID id) {
        return one("Pipeline.INTEL_REQUEST", INTEL_REQUEST, id, org);
    }

    Optional<JsonNode> impactEvent(UUID org, long id) {
        return db.read("Pipeline.IMPACT_EVENT", c -> {
            try (PreparedStatement ps = c.prepareStatement(IMPACT_EVENT)) {
                ps.setLong(1, id);
                ps.setObject(2, org);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Json.readStored(rs.getString(1), "impact event")) : Optional.<JsonNode>empty();
                }
            }
        });
    }

    Optional<JsonNode> operationalContact(UUID org, UUID id) {
        return one("Pipeline.OPERATIONAL_CONTACT", OPERATIONAL_CONTACT, id, org);
    }

    Optional<JsonNode> operationalDelivery(UUID org, UUID id) {
        return one("Pipeline.OPERATIONAL_DELIVERY", OPERATIONAL_DELIVERY, id, org);
    }

    JsonNode assets(UUID org, List<UUID> ids) {
        ArrayNode out = Json.mapper().createArrayNode();
        if (ids.isEmpty()) return out;
        return db.read("Pipeline.ASSETS", c -> {
            try (PreparedStatement ps = c.prepareStatement(ASSETS)) {
                ps.setObject(1, org);
                ps.setArray(2, c.createArrayOf("uuid", ids.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ObjectNode a = out.addObject();
                        a.put("id", rs.getString(1)).put("name", rs.getString(2)).put("type", rs.getString(3));
                        a.putObject("location").put("lat", rs.getDouble(4)).put("lon", rs.getDouble(5))
                                .put("thoroughfare", rs.getString(6)).put("locality", rs.getString(7))
                                .put("region", rs.getString(8)).put("postcode", rs.getString(9));
                    }
                }
                return out;
            }
        });
    }

    private Optional<JsonNode> one(String name, String sql, UUID id, UUID org) {
        return db.read(name, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setObject(1, id);
                if (org != null) ps.setObject(2, org);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Objects.requireNonNullElse(Json.readStored(rs.getString(1), "notification context"), NullNode.getInstance())) : Optional.empty();
                }
            }
        });
    }
}
