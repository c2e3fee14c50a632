-- One SQL function builds an incident's JSON, wherever it is read: the current-incidents view (its entries) and the
-- notification context of an incident that is not in the view (resolved, or not yet viewed: PipelineReads.INCIDENT).
-- Before, the view wrote timestamps as fixed UTC text and the context wrote PostgreSQL's own timestamptz JSON (with the
-- session's offset), so a template saw two formats for the same field. resolved_at appears only once it is set, so
-- the view's entries (open incidents) are unchanged.
CREATE FUNCTION herald_incident_json(i incidents) RETURNS jsonb LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object('id', i.id, 'organization_id', i.organization_id, 'kind', i.kind,
               'status', i.status, 'severity', i.severity, 'title', i.title,
               'started_at', current_incidents_ts(i.started_at), 'updated_at', current_incidents_ts(i.updated_at),
               'version', i.version,
               'location', (SELECT current_incidents_location(l) FROM locations l
                            WHERE l.id = i.location_id AND l.deleted_at IS NULL))
           || CASE WHEN i.resolved_at IS NULL THEN '{}'::jsonb
                   ELSE jsonb_build_object('resolved_at', current_incidents_ts(i.resolved_at)) END
$$;
COMMENT ON FUNCTION herald_incident_json(incidents) IS
    'an incident as JSON, timestamps as UTC text: the incident of a current-incidents entry and of a notification context';

CREATE OR REPLACE VIEW current_incidents_fresh AS
SELECT i.organization_id, i.id AS incident_id,
       jsonb_build_object(
           'incident', herald_incident_json(i),
           'outages', o.outages,
           'internet_outages', io.internet_outages,
           'assets', a.assets,
           'intel_requests', r.intel_requests,
           'parent_intel_requests', p.parent_intel_requests) AS entry
FROM incidents i
CROSS JOIN LATERAL (
    SELECT coalesce(jsonb_agg(jsonb_build_object('id', o.id, 'utility', o.utility,
               'customers_affected', o.customers_affected,
               'estimated_restoration', current_incidents_ts(o.estimated_restoration),
               'updated_at', current_incidents_ts(o.updated_at),
               'location', current_incidents_location(l)) ORDER BY o.id), '[]'::jsonb) AS outages
    FROM outages o LEFT JOIN locations l ON l.id = o.location_id AND l.deleted_at IS NULL
    WHERE o.incident_id = i.id AND o.deleted_at IS NULL) o
CROSS JOIN LATERAL (
    SELECT coalesce(jsonb_agg(jsonb_build_object('id', n.id, 'provider', n.provider, 'service', n.service,
               'started_at', current_incidents_ts(n.started_at),
               'estimated_restoration', current_incidents_ts(n.estimated_restoration),
               'updated_at', current_incidents_ts(n.updated_at)) ORDER BY n.id), '[]'::jsonb) AS internet_outages
    FROM internet_outages n
    WHERE n.incident_id = i.id AND n.deleted_at IS NULL) io
CROSS JOIN LATERAL (
    SELECT coalesce(jsonb_agg(jsonb_build_object('id', s.id, 'name', s.name, 'asset_type_id', s.asset_type_id,
               'location_id', s.location_id) ORDER BY s.id), '[]'::jsonb) AS assets
    FROM dependencies d
    JOIN assets s ON s.id = d.dependent_id AND s.deleted_at IS NULL AND s.organization_id = i.organization_id
    WHERE d.blocker_type = 'incident' AND d.blocker_id = i.id AND d.dependent_type = 'asset' AND d.deleted IS NULL) a
CROSS JOIN LATERAL (
    SELECT coalesce(jsonb_agg(jsonb_build_object('id', q.id, 'parent_id', q.parent_id, 'question', q.question,
               'status', q.status) ORDER BY q.id), '[]'::jsonb) AS intel_requests
    FROM dependencies d
    JOIN intel_requests q ON q.id = d.dependent_id AND q.deleted_at IS NULL AND q.organization_id = i.organization_id
    WHERE d.blocker_type = 'incident' AND d.blocker_id = i.id AND d.dependent_type = 'intel_request' AND d.deleted IS NULL) r
CROSS JOIN LATERAL (
    SELECT coalesce(jsonb_agg(jsonb_build_object('id', q.id, 'parent_id', q.parent_id, 'question', q.question,
               'status', q.status) ORDER BY q.id), '[]'::jsonb) AS parent_intel_requests
    FROM intel_requests q
    WHERE q.deleted_at IS NULL AND q.organization_id = i.organization_id AND q.id IN (
        SELECT c.parent_id FROM dependencies d
        JOIN intel_requests c ON c.id = d.dependent_id AND c.deleted_at IS NULL AND c.organization_id = i.organization_id
        WHERE d.blocker_type = 'incident' AND d.blocker_id = i.id AND d.dependent_type = 'intel_request'
          AND d.deleted IS NULL)) p
WHERE i.status = 'open' AND i.deleted_at IS NULL;
