-- Impact (issue 18), part 2: the triggers that keep impact_reach / impact_subjects / impact_events current on every
-- write that can change them (see V89 for what each change recomputes), the API's read view, and the one scope
-- predicate impact_in_scope. Ends with a rebuild of every existing organization.

-- Triggers (statement level, transition tables). Each groups the changed rows by organization, in id order.

CREATE FUNCTION impact_on_incidents() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    o uuid;
    roots uuid[];
    nodes uuid[];
    sev uuid[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        FOR o IN SELECT DISTINCT organization_id FROM new_rows ORDER BY 1 LOOP
            PERFORM impact_lock(o);
            nodes := ARRAY(SELECT id FROM new_rows WHERE organization_id = o AND deleted_at IS NULL);
            PERFORM impact_recompute(o, nodes || impact_reaching_node(o, array_fill('incident'::text, ARRAY[cardinality(nodes)]), nodes));
        END LOOP;
    ELSIF TG_OP = 'DELETE' THEN
        FOR o IN SELECT DISTINCT organization_id FROM old_rows ORDER BY 1 LOOP
            PERFORM impact_lock(o);
            nodes := ARRAY(SELECT id FROM old_rows WHERE organization_id = o);
            PERFORM impact_recompute(o, nodes || impact_reaching_node(o, array_fill('incident'::text, ARRAY[cardinality(nodes)]), nodes));
        END LOOP;
    ELSE
        FOR o IN SELECT DISTINCT organization_id FROM (SELECT organization_id FROM new_rows UNION SELECT organization_id FROM old_rows) x ORDER BY 1 LOOP
            PERFORM impact_lock(o);
            roots := ARRAY(SELECT n.id FROM new_rows n JOIN old_rows p ON p.id = n.id
                           WHERE (n.organization_id = o OR p.organization_id = o)
                             AND ((n.status = 'open' AND n.deleted_at IS NULL) IS DISTINCT FROM (p.status = 'open' AND p.deleted_at IS NULL)
                                  OR n.organization_id IS DISTINCT FROM p.organization_id));
            nodes := ARRAY(SELECT n.id FROM new_rows n JOIN old_rows p ON p.id = n.id
                           WHERE (n.organization_id = o OR p.organization_id = o)
                             AND ((n.deleted_at IS NULL) IS DISTINCT FROM (p.deleted_at IS NULL)
                                  OR n.organization_id IS DISTINCT FROM p.organization_id));
            sev := ARRAY(SELECT n.id FROM new_rows n JOIN old_rows p ON p.id = n.id
                         WHERE n.organization_id = o AND n.severity IS DISTINCT FROM p.severity
                           AND n.status = 'open' AND n.deleted_at IS NULL AND NOT n.id = ANY (roots));
            IF cardinality(nodes) > 0 THEN
                roots := roots || impact_reaching_node(o, array_fill('incident'::text, ARRAY[cardinality(nodes)]), nodes);
            END IF;
            PERFORM impact_recompute(o, roots, '{}', sev);
        END LOOP;
    END IF;
    RETURN NULL;
END $$;

-- assets and intel_requests: a change of liveness (deleted_at set or cleared, a row inserted or deleted).
CREATE FUNCTION impact_on_subjects() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    t text := CASE TG_TABLE_NAME WHEN 'assets' THEN 'asset' ELSE 'intel_request' END;
    o uuid;
    nodes uuid[];
BEGIN
    IF TG_OP = 'UPDATE' THEN
        PERFORM impact_temp();
        DELETE FROM impact_changed_nodes;
        INSERT INTO impact_changed_nodes
        SELECT n.organization_id, n.id FROM new_rows n JOIN old_rows p ON p.id = n.id
        WHERE (n.deleted_at IS NULL) IS DISTINCT FROM (p.deleted_at IS NULL)
        UNION SELECT p.organization_id, p.id FROM new_rows n JOIN old_rows p ON p.id = n.id
        WHERE n.organization_id IS DISTINCT FROM p.organization_id;
    END IF;
    FOR o IN EXECUTE CASE TG_OP WHEN 'INSERT' THEN 'SELECT DISTINCT organization_id FROM new_rows ORDER BY 1'
                                WHEN 'DELETE' THEN 'SELECT DISTINCT organization_id FROM old_rows ORDER BY 1'
                                ELSE 'SELECT DISTINCT organization_id FROM impact_changed_nodes ORDER BY 1' END LOOP
        PERFORM impact_lock(o);
        EXECUTE CASE TG_OP WHEN 'INSERT' THEN 'SELECT array_agg(id) FROM new_rows WHERE organization_id = $1'
                           WHEN 'DELETE' THEN 'SELECT array_agg(id) FROM old_rows WHERE organization_id = $1'
                           ELSE 'SELECT array_agg(id) FROM impact_changed_nodes WHERE organization_id = $1' END
            INTO nodes USING o;
        IF nodes IS NOT NULL THEN
            PERFORM impact_recompute(o, impact_reaching_node(o, array_fill(t, ARRAY[cardinality(nodes)]), nodes));
        END IF;
    END LOOP;
    RETURN NULL;
END $$;

-- dependencies: an edge that became live or stopped being live (or changed ends) can change the searches of the
-- incidents reaching its blocker.
CREATE FUNCTION impact_on_dependencies() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    o uuid;
BEGIN
    PERFORM impact_temp();
    DELETE FROM impact_changed_edges;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO impact_changed_edges SELECT organization_id, blocker_type, blocker_id FROM new_rows WHERE deleted IS NULL;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO impact_changed_edges SELECT organization_id, blocker_type, blocker_id FROM old_rows WHERE deleted IS NULL;
    ELSE
        INSERT INTO impact_changed_edges
        SELECT x.organization_id, x.blocker_type, x.blocker_id
        FROM new_rows n JOIN old_rows p ON p.id = n.id
        CROSS JOIN LATERAL (VALUES (n.organization_id, n.blocker_type, n.blocker_id),
                                   (p.organization_id, p.blocker_type, p.blocker_id)) x(organization_id, blocker_type, blocker_id)
        WHERE ((n.deleted IS NULL) IS DISTINCT FROM (p.deleted IS NULL)
               OR (n.deleted IS NULL AND (n.blocker_type, n.blocker_id, n.dependent_type, n.dependent_id, n.organization_id)
                   IS DISTINCT FROM (p.blocker_type, p.blocker_id, p.dependent_type, p.dependent_id, p.organization_id)));
    END IF;
    FOR o IN SELECT DISTINCT organization_id FROM impact_changed_edges ORDER BY 1 LOOP
        PERFORM impact_lock(o);
        PERFORM impact_recompute(o, impact_reaching(o,
            ARRAY(SELECT blocker_type FROM impact_changed_edges WHERE organization_id = o ORDER BY blocker_type, blocker_id),
            ARRAY(SELECT blocker_id FROM impact_changed_edges WHERE organization_id = o ORDER BY blocker_type, blocker_id), true));
    END LOOP;
    RETURN NULL;
END $$;

-- outages and internet_outages: any change of an incident's set of live outages or of their estimated restorations
-- can change the estimated restoration of the subjects the incident reaches.
CREATE FUNCTION impact_on_outages() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    o uuid;
BEGIN
    PERFORM impact_temp();
    DELETE FROM impact_changed_outages;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO impact_changed_outages SELECT organization_id, incident_id FROM new_rows WHERE deleted_at IS NULL;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO impact_changed_outages SELECT organization_id, incident_id FROM old_rows WHERE deleted_at IS NULL;
    ELSE
        INSERT INTO impact_changed_outages
        SELECT x.organization_id, x.incident_id
        FROM new_rows n JOIN old_rows p ON p.id = n.id
        CROSS JOIN LATERAL (VALUES (n.organization_id, n.incident_id), (p.organization_id, p.incident_id)) x(organization_id, incident_id)
        WHERE (n.deleted_at IS NULL) IS DISTINCT FROM (p.deleted_at IS NULL)
           OR (n.deleted_at IS NULL AND (n.estimated_restoration IS DISTINCT FROM p.estimated_restoration
                                         OR n.incident_id IS DISTINCT FROM p.incident_id));
    END IF;
    FOR o IN SELECT DISTINCT organization_id FROM impact_changed_outages ORDER BY 1 LOOP
        PERFORM impact_lock(o);
        PERFORM impact_recompute(o, '{}', ARRAY(SELECT DISTINCT incident_id FROM impact_changed_outages WHERE organization_id = o));
    END LOOP;
    RETURN NULL;
END $$;

-- organizations: a new max distance changes every search of the organization.
CREATE FUNCTION impact_on_organizations() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    o uuid;
BEGIN
    FOR o IN SELECT n.id FROM new_rows n JOIN old_rows p ON p.id = n.id
             WHERE n.max_distance IS DISTINCT FROM p.max_distance ORDER BY 1 LOOP
        -- the current-incidents counter row first, as every other writer of the organization takes it before this
        -- lock (its triggers fire first): a transaction mixing this update with other writes cannot deadlock
        PERFORM current_incidents_lock(ARRAY[o]);
        PERFORM impact_lock(o);
        PERFORM impact_recompute(o, ARRAY(SELECT id FROM incidents WHERE organization_id = o AND status = 'open' AND deleted_at IS NULL
                                          UNION SELECT DISTINCT incident_id FROM impact_reach WHERE organization_id = o));
    END LOOP;
    RETURN NULL;
END $$;

CREATE TRIGGER impact_ins AFTER INSERT ON incidents REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION impact_on_incidents();
CREATE TRIGGER impact_upd AFTER UPDATE ON incidents REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION impact_on_incidents();
CREATE TRIGGER impact_del AFTER DELETE ON incidents REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION impact_on_incidents();
CREATE TRIGGER impact_upd AFTER UPDATE ON organizations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION impact_on_organizations();

DO $$
DECLARE
    t text;
    f text;
BEGIN
    FOREACH t IN ARRAY ARRAY['assets', 'intel_requests', 'dependencies', 'outages', 'internet_outages'] LOOP
        f := CASE t WHEN 'dependencies' THEN 'impact_on_dependencies' WHEN 'outages' THEN 'impact_on_outages'
                    WHEN 'internet_outages' THEN 'impact_on_outages' ELSE 'impact_on_subjects' END;
        EXECUTE format('CREATE TRIGGER impact_ins AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows '
            'FOR EACH STATEMENT EXECUTE FUNCTION %I()', t, f);
        EXECUTE format('CREATE TRIGGER impact_upd AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
            'FOR EACH STATEMENT EXECUTE FUNCTION %I()', t, f);
        EXECUTE format('CREATE TRIGGER impact_del AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows '
            'FOR EACH STATEMENT EXECUTE FUNCTION %I()', t, f);
    END LOOP;
END $$;

-- Reads: one item per subject, as GET /impact and GET /assets/{id}/impact answer it.
CREATE VIEW impact_subject_view AS
SELECT s.organization_id, s.subject_id AS id, s.subject_type, s.affected,
       jsonb_build_object(
           'subject', jsonb_strip_nulls(jsonb_build_object('type', s.subject_type, 'id', s.subject_id, 'name', n.name)),
           'sequence', s.sequence,
           'estimated_restoration', impact_ts(CASE WHEN s.affected THEN s.estimated_restoration END),
           'impacts', coalesce(x.impacts, '[]'::jsonb)) AS item
FROM impact_subjects s
CROSS JOIN LATERAL (
    SELECT CASE s.subject_type WHEN 'asset' THEN (SELECT a.name FROM assets a WHERE a.id = s.subject_id)
           ELSE (SELECT q.question FROM intel_requests q WHERE q.id = s.subject_id) END AS name) n
CROSS JOIN LATERAL (
    SELECT jsonb_agg(jsonb_build_object(
               'incident', jsonb_build_object('id', i.id, 'kind', i.kind, 'severity', i.severity, 'status', i.status),
               'path', r.path, 'distance', r.distance) ORDER BY r.distance, r.incident_id) AS impacts
    FROM impact_reach r JOIN incidents i ON i.id = r.incident_id
    WHERE r.node_type = s.subject_type AND r.node_id = s.subject_id) x;
COMMENT ON VIEW impact_subject_view IS 'one subject''s impact as the API answers it: subject, latest sequence, estimated restoration, each incident with its path';

-- Is the record (type, id) within hops edges downstream of (ft, fid) (itself at 0), over live edges of org?
CREATE FUNCTION impact_within(org uuid, ft text, fid uuid, hops int, st text, sid uuid) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
DECLARE
    target text := st || ':' || sid;
    seen text[];
    frontier text[];
    k int := 0;
BEGIN
    IF ft = st AND fid = sid THEN RETURN true; END IF;
    frontier := ARRAY[ft || ':' || fid];
    seen := frontier;
    WHILE k < hops AND cardinality(frontier) > 0 LOOP
        frontier := ARRAY(SELECT DISTINCT d.dependent_type || ':' || d.dependent_id
                          FROM unnest(frontier) f
                          JOIN dependencies d ON d.blocker_type = split_part(f, ':', 1)
                                             AND d.blocker_id = split_part(f, ':', 2)::uuid AND d.deleted IS NULL
                          WHERE d.organization_id = org
                          EXCEPT SELECT unnest(seen));
        IF target = ANY (frontier) THEN RETURN true; END IF;
        seen := seen || frontier;
        k := k + 1;
    END LOOP;
    RETURN false;
END $$;

-- The one scope predicate (GET /impact, and a contact's impact subscription): is subject (st, sid) of org inside
-- scope? scope = {"subjects": [{"type","id"}...], "asset_types": [uuid...], "regions": [text...],
-- "within": {"type","id","hops"}}; each key present narrows (AND), an absent key does not; {} = everything.
-- Asset types and regions select assets only (an intel request has neither). Callers validate the scope first
-- (ImpactScope): its records exist in org, hops within graph.max-distance-cap.
CREATE FUNCTION impact_in_scope(org uuid, scope jsonb, st text, sid uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT (NOT scope ? 'subjects'
            OR EXISTS (SELECT 1 FROM jsonb_array_elements(scope -> 'subjects') e
                       WHERE e ->> 'type' = st AND e ->> 'id' = sid::text))
       AND (NOT scope ? 'asset_types'
            OR (st = 'asset' AND EXISTS (SELECT 1 FROM assets a WHERE a.id = sid AND a.organization_id = org
                                         AND (scope -> 'asset_types') ? a.asset_type_id::text)))
       AND (NOT scope ? 'regions'
            OR (st = 'asset' AND EXISTS (SELECT 1 FROM assets a JOIN locations l ON l.id = a.location_id
                                         WHERE a.id = sid AND a.organization_id = org AND (scope -> 'regions') ? l.region)))
       AND (NOT scope ? 'within'
            OR impact_within(org, scope -> 'within' ->> 'type', (scope -> 'within' ->> 'id')::uuid,
                             (scope -> 'within' ->> 'hops')::int, st, sid))
$$;
COMMENT ON FUNCTION impact_in_scope(uuid, jsonb, text, uuid) IS 'is a subject inside an impact scope (GET /impact filters; contact impact subscriptions)';

-- existing data
SELECT count(impact_rebuild(id)) FROM organizations;
