-- Impact (issue 18): for every organization, which open incident reaches which asset / intel request through live
-- dependency edges within the organization's max distance, with one shortest path, kept current INCREMENTALLY by
-- triggers in the writer's own transaction (API, import, psql alike), and an ordered, durable log of the impact events
-- each change produced (impact.started / updated / ended / cleared), written in that same transaction.
--
--   impact_reach     the breadth-first tree of every open incident: each node it reaches (of any type) once, at its
--                    shortest distance (1..max distance), with one shortest path (incident first, node last). Rows of
--                    type asset / intel_request are the (subject, incident) impact state; the others let a change find
--                    the incidents it can affect with one indexed lookup.
--   impact_subjects  per subject: the sequence of its last event, whether it is affected, its estimated restoration.
--   impact_events    the event log: data is exactly the payload a receiver gets (schemas in the event catalog).
--
-- Graph: live edges (deleted IS NULL) of the organization. A node is traversed unless it is a deleted (or missing)
-- asset, intel request or incident; outages and internet outages are always traversed. Roots are open, live incidents.
-- Max distance: organizations.max_distance, else impact_default_max_distance() (graph.default-max-distance, set by
-- the service at start).
--
-- Incremental work: a change recomputes only the incidents it can affect (never the organization), each by a
-- breadth-first search bounded by the max distance:
--   incident opened / reopened / resolved / deleted   that incident (+ the incidents reaching it, if its liveness as a
--                                                      node changed)
--   edge blocker -> dependent added / removed          the incidents reaching the blocker below the max distance
--                                                      (one lookup of impact_reach_node_idx)
--   asset / intel request / incident (un)deleted       the incidents reaching it, or reaching one of its blockers
--   outage restoration / severity changed              no search: the subjects the incident reaches get impact.updated
--   organization max distance changed                  every open incident of the organization (it changes them all)
-- Writers of one organization serialize on a transaction-scoped advisory lock taken before anything is read, so two
-- concurrent changes never interleave a stale search (READ COMMITTED: each statement after the lock sees the other's
-- committed rows).
--
-- Bulk loads that skip triggers (ALTER TABLE ... DISABLE TRIGGER USER, session_replication_role = replica) must call
-- impact_rebuild(org) afterwards (the seed and restore do; `./herald rebuild-impact` for anyone else): it recomputes
-- every incident of the organization through the same code and emits the events of the differences.
-- TRUNCATE of a source table is not followed: rebuild afterwards.

-- graph.default-max-distance as the triggers see it: the service replaces this function at start when its setting
-- differs (Impact.syncDefaultDistance), then rebuilds the organizations without a max distance of their own. A function,
-- not a row, so the schema holds no data of its own (a restore needs empty tables).
CREATE FUNCTION impact_default_max_distance() RETURNS int LANGUAGE sql STABLE AS $$ SELECT 5 $$;

CREATE TABLE impact_reach (
    organization_id  uuid NOT NULL,
    incident_id      uuid NOT NULL,
    node_type        text NOT NULL,
    node_id          uuid NOT NULL,
    distance         int  NOT NULL CHECK (distance >= 1),
    path             jsonb NOT NULL,
    PRIMARY KEY (incident_id, node_type, node_id)
);
COMMENT ON TABLE impact_reach IS 'each node an open incident reaches within the max distance, shortest distance and one shortest path; asset / intel_request rows are the impact state';
CREATE INDEX impact_reach_node_idx ON impact_reach (node_type, node_id, distance);
COMMENT ON INDEX impact_reach_node_idx IS 'serves impact_reaching() (the incidents that reach a changed node), ImpactStore.LIST_PAGE and ImpactStore.OF_SUBJECT (the incidents reaching a subject)';

CREATE TABLE impact_subjects (
    organization_id        uuid NOT NULL,
    subject_type           text NOT NULL CHECK (subject_type IN ('asset', 'intel_request')),
    subject_id             uuid NOT NULL,
    sequence               bigint NOT NULL DEFAULT 0,
    affected               boolean NOT NULL DEFAULT false,
    estimated_restoration  timestamptz,
    updated_at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subject_type, subject_id)
);
COMMENT ON TABLE impact_subjects IS 'per subject: sequence of its last impact event, affected now, estimated restoration (NULL = unknown or none)';
CREATE INDEX impact_subjects_org_affected_idx ON impact_subjects (organization_id, subject_id) WHERE affected;
COMMENT ON INDEX impact_subjects_org_affected_idx IS 'serves ImpactStore.LIST_PAGE (the affected subjects of an organization, cursor pagination)';

CREATE TABLE impact_events (
    id               bigserial PRIMARY KEY,
    organization_id  uuid NOT NULL,
    subject_type     text NOT NULL CHECK (subject_type IN ('asset', 'intel_request')),
    subject_id       uuid NOT NULL,
    incident_id      uuid,
    type             text NOT NULL CHECK (type IN ('impact.started', 'impact.updated', 'impact.ended', 'impact.cleared')),
    sequence         bigint NOT NULL,
    occurred_at      timestamptz NOT NULL,
    data             jsonb NOT NULL,
    CHECK ((type = 'impact.cleared') = (incident_id IS NULL)),
    UNIQUE (subject_type, subject_id, sequence)
);
COMMENT ON TABLE impact_events IS 'ordered, durable log of impact events, written in the transaction of the change; data = the payload';
COMMENT ON INDEX impact_events_subject_type_subject_id_sequence_key IS
    'keeps sequence unique per subject (what receivers rely on to drop stale or repeated events)';

-- Work tables of one search (per session, emptied at commit).
CREATE FUNCTION impact_temp() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF to_regclass('pg_temp.impact_fresh') IS NULL THEN
        -- key led by the node: the search's anti-join finds "already reached" by all three columns at once
        CREATE TEMP TABLE impact_fresh (incident_id uuid, node_type text, node_id uuid, distance int, path jsonb,
                                        PRIMARY KEY (node_id, node_type, incident_id)) ON COMMIT DELETE ROWS;
        CREATE INDEX ON impact_fresh (distance);
        CREATE TEMP TABLE impact_diff (op text, incident_id uuid, node_type text, node_id uuid, distance int,
                                       path jsonb) ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE impact_ev (subject_type text, subject_id uuid, incident_id uuid, type text, ord int,
                                     path jsonb, distance int) ON COMMIT DELETE ROWS;
        CREATE INDEX ON impact_ev (subject_id, subject_type);
        CREATE INDEX ON impact_diff (node_id, node_type, incident_id);
        CREATE TEMP TABLE impact_rest (subject_type text, subject_id uuid, rest timestamptz, affected boolean)
            ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE impact_changed_nodes (organization_id uuid, id uuid) ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE impact_changed_edges (organization_id uuid, blocker_type text, blocker_id uuid) ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE impact_changed_outages (organization_id uuid, incident_id uuid) ON COMMIT DELETE ROWS;
    END IF;
END $$;

CREATE FUNCTION impact_lock(org uuid) RETURNS void LANGUAGE sql AS $$
    SELECT pg_advisory_xact_lock(1769235233, hashtext(org::text))
$$;

CREATE FUNCTION impact_max_distance(org uuid) RETURNS int LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT max_distance FROM organizations WHERE id = org), impact_default_max_distance())
$$;

CREATE FUNCTION impact_ts(t timestamptz) RETURNS text LANGUAGE sql STABLE AS
$$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') $$;

-- An incident's estimated restoration: the latest over its live outages and internet outages; NULL (unknown) when it
-- has none or any of them has none.
CREATE FUNCTION impact_incident_restoration(p uuid) RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN count(*) = 0 OR bool_or(er IS NULL) THEN NULL ELSE max(er) END
    FROM (SELECT estimated_restoration AS er FROM outages WHERE incident_id = p AND deleted_at IS NULL
          UNION ALL
          SELECT estimated_restoration FROM internet_outages WHERE incident_id = p AND deleted_at IS NULL) x
$$;

-- The open, live incidents whose search can change when the given nodes change: those reaching a node (below the max
-- distance when strict: an edge out of it matters only then), and the nodes that are open incidents themselves.
CREATE FUNCTION impact_reaching(org uuid, types text[], ids uuid[], strict boolean) RETURNS uuid[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(DISTINCT x), '{}') FROM (
        SELECT r.incident_id AS x
        FROM unnest(types, ids) AS n(t, id)
        JOIN impact_reach r ON r.node_type = n.t AND r.node_id = n.id
        WHERE r.organization_id = org AND (NOT strict OR r.distance < impact_max_distance(org))
        UNION
        SELECT i.id FROM unnest(types, ids) AS n(t, id) JOIN incidents i ON n.t = 'incident' AND i.id = n.id
        WHERE i.organization_id = org AND i.status = 'open' AND i.deleted_at IS NULL) a
$$;

-- The incidents a change of liveness of the given nodes can affect: those reaching a node, and those reaching one of
-- its live blockers (the node may now be traversed from there).
CREATE FUNCTION impact_reaching_node(org uuid, types text[], ids uuid[]) RETURNS uuid[] LANGUAGE sql STABLE AS $$
    SELECT impact_reaching(org, types, ids, false)
        || impact_reaching(org, ARRAY(SELECT d.blocker_type FROM unnest(types, ids) n(t, id)
                                      JOIN dependencies d ON d.dependent_type = n.t AND d.dependent_id = n.id
                                      WHERE d.deleted IS NULL AND d.organization_id = org ORDER BY d.id),
                                ARRAY(SELECT d.blocker_id FROM unnest(types, ids) n(t, id)
                                      JOIN dependencies d ON d.dependent_type = n.t AND d.dependent_id = n.id
                                      WHERE d.deleted IS NULL AND d.organization_id = org ORDER BY d.id), true)
$$;

-- Recomputes the searches of the given incidents of one organization, applies the differences to impact_reach and
-- writes the events: for each (subject, incident) pair started / updated (path) / ended; impact.updated for the pairs
-- of the incidents in severity_of (their severity changed) and, when the subject's estimated restoration changed and
-- nothing else was said to it, for the pairs of the incidents in restoration_of; impact.cleared when a subject is no
-- longer reached by anything. Returns the number of events written.
CREATE FUNCTION impact_recompute(org uuid, roots uuid[], restoration_of uuid[] DEFAULT '{}',
                                 severity_of uuid[] DEFAULT '{}', emit boolean DEFAULT true) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    maxd int;
    k int;
    n int;
    at timestamptz;
BEGIN
    roots := coalesce(roots, '{}');
    restoration_of := coalesce(restoration_of, '{}');
    severity_of := coalesce(severity_of, '{}');
    IF cardinality(roots) = 0 AND cardinality(restoration_of) = 0 AND cardinality(severity_of) = 0 THEN
        RETURN 0;
    END IF;
    PERFORM impact_lock(org);
    PERFORM impact_temp();
    DELETE FROM impact_fresh;
    DELETE FROM impact_diff;
    DELETE FROM impact_ev;
    DELETE FROM impact_rest;
    maxd := impact_max_distance(org);

    -- 1. breadth-first search from each open, live root: each node once per incident, at its shortest distance
    INSERT INTO impact_fresh
    SELECT i.id, 'incident', i.id, 0, jsonb_build_array(jsonb_build_object('type', 'incident', 'id', i.id))
    FROM incidents i
    WHERE i.id = ANY (roots) AND i.organization_id = org AND i.status = 'open' AND i.deleted_at IS NULL;
    k := 1;
    WHILE k <= maxd LOOP
        INSERT INTO impact_fresh
        SELECT DISTINCT ON (f.incident_id, d.dependent_type, d.dependent_id)
               f.incident_id, d.dependent_type, d.dependent_id, k,
               f.path || jsonb_build_object('type', d.dependent_type, 'id', d.dependent_id)
        FROM impact_fresh f
        JOIN dependencies d ON d.blocker_type = f.node_type AND d.blocker_id = f.node_id AND d.deleted IS NULL
        WHERE f.distance = k - 1 AND d.organization_id = org
          AND CASE d.dependent_type
                WHEN 'asset' THEN EXISTS (SELECT 1 FROM assets a WHERE a.id = d.dependent_id AND a.deleted_at IS NULL)
                WHEN 'intel_request' THEN EXISTS (SELECT 1 FROM intel_requests q WHERE q.id = d.dependent_id AND q.deleted_at IS NULL)
                WHEN 'incident' THEN EXISTS (SELECT 1 FROM incidents x WHERE x.id = d.dependent_id AND x.deleted_at IS NULL)
                ELSE true END
          AND NOT EXISTS (SELECT 1 FROM impact_fresh g WHERE g.incident_id = f.incident_id
                          AND g.node_type = d.dependent_type AND g.node_id = d.dependent_id)
        ORDER BY f.incident_id, d.dependent_type, d.dependent_id, f.node_type, f.node_id;
        GET DIAGNOSTICS n = ROW_COUNT;
        EXIT WHEN n = 0;
        k := k + 1;
    END LOOP;

    -- 2. differences against the stored searches of the same incidents, applied
    INSERT INTO impact_diff
    SELECT CASE WHEN s.incident_id IS NULL THEN 'start' WHEN f.incident_id IS NULL THEN 'end' ELSE 'update' END,
           coalesce(f.incident_id, s.incident_id), coalesce(f.node_type, s.node_type), coalesce(f.node_id, s.node_id),
           coalesce(f.distance, s.distance), coalesce(f.path, s.path)
    FROM (SELECT * FROM impact_fresh WHERE distance > 0) f
    FULL JOIN (SELECT * FROM impact_reach WHERE incident_id = ANY (roots)) s
           ON s.incident_id = f.incident_id AND s.node_type = f.node_type AND s.node_id = f.node_id
    WHERE s.incident_id IS NULL OR f.incident_id IS NULL OR s.distance <> f.distance OR s.path <> f.path;

    DELETE FROM impact_reach r USING impact_diff d
    WHERE d.op = 'end' AND r.incident_id = d.incident_id AND r.node_type = d.node_type AND r.node_id = d.node_id;
    UPDATE impact_reach r SET distance = d.distance, path = d.path FROM impact_diff d
    WHERE d.op = 'update' AND r.incident_id = d.incident_id AND r.node_type = d.node_type AND r.node_id = d.node_id;
    INSERT INTO impact_reach (organization_id, incident_id, node_type, node_id, distance, path)
    SELECT org, incident_id, node_type, node_id, distance, path FROM impact_diff WHERE op = 'start';

    -- 3. the events, per subject in order: ended, updated, started, cleared
    INSERT INTO impact_ev
    SELECT node_type, node_id, incident_id,
           CASE op WHEN 'start' THEN 'impact.started' WHEN 'update' THEN 'impact.updated' ELSE 'impact.ended' END,
           CASE op WHEN 'end' THEN 1 WHEN 'update' THEN 2 ELSE 3 END, path, distance
    FROM impact_diff WHERE node_type IN ('asset', 'intel_request');

    INSERT INTO impact_ev
    SELECT r.node_type, r.node_id, r.incident_id, 'impact.updated', 2, r.path, r.distance
    FROM impact_reach r
    WHERE r.incident_id = ANY (severity_of) AND r.node_type IN ('asset', 'intel_request')
      AND NOT EXISTS (SELECT 1 FROM impact_ev e WHERE e.subject_type = r.node_type AND e.subject_id = r.node_id
                      AND e.incident_id = r.incident_id);

    -- the subjects this change can touch (those with events so far, those reached by an incident whose outages
    -- changed): whether each is still affected and its estimated restoration, each incident's computed once
    INSERT INTO impact_rest
    WITH t AS (
        SELECT subject_type AS st, subject_id AS sid FROM impact_ev
        UNION SELECT node_type, node_id FROM impact_reach
              WHERE incident_id = ANY (restoration_of) AND node_type IN ('asset', 'intel_request')),
    pairs AS (
        SELECT t.st, t.sid, r.incident_id FROM t LEFT JOIN impact_reach r ON r.node_type = t.st AND r.node_id = t.sid),
    ir AS (
        SELECT x.incident_id, impact_incident_restoration(x.incident_id) AS rest
        FROM (SELECT DISTINCT incident_id FROM pairs WHERE incident_id IS NOT NULL) x)
    SELECT p.st, p.sid,
           CASE WHEN count(p.incident_id) = 0 OR bool_or(p.incident_id IS NOT NULL AND ir.rest IS NULL) THEN NULL
                ELSE max(ir.rest) END,
           count(p.incident_id) > 0
    FROM pairs p LEFT JOIN ir ON ir.incident_id = p.incident_id
    GROUP BY p.st, p.sid;

    INSERT INTO impact_subjects (organization_id, subject_type, subject_id)
    SELECT org, subject_type, subject_id FROM impact_rest
    ON CONFLICT DO NOTHING;

    INSERT INTO impact_ev
    SELECT DISTINCT ON (r.node_type, r.node_id) r.node_type, r.node_id, r.incident_id, 'impact.updated', 2, r.path, r.distance
    FROM impact_rest t
    JOIN impact_subjects s ON s.subject_type = t.subject_type AND s.subject_id = t.subject_id
    JOIN impact_reach r ON r.node_type = t.subject_type AND r.node_id = t.subject_id
                       AND r.incident_id IN (SELECT unnest(restoration_of))
    WHERE t.affected
      AND NOT EXISTS (SELECT 1 FROM impact_ev e WHERE e.subject_type = t.subject_type AND e.subject_id = t.subject_id)
      AND t.rest IS DISTINCT FROM CASE WHEN s.affected THEN s.estimated_restoration END
    ORDER BY r.node_type, r.node_id, r.incident_id;

    INSERT INTO impact_ev
    SELECT s.subject_type, s.subject_id, NULL, 'impact.cleared', 4, NULL, NULL
    FROM impact_rest t JOIN impact_subjects s ON s.subject_type = t.subject_type AND s.subject_id = t.subject_id
    WHERE s.affected AND NOT t.affected;

    at := clock_timestamp();
    WITH subj AS (
        SELECT subject_type, subject_id, count(*) AS events FROM impact_ev GROUP BY subject_type, subject_id
    ), now_state AS (
        SELECT s.subject_type, s.subject_id, s.sequence, subj.events, t.affected, t.rest,
               CASE s.subject_type WHEN 'asset' THEN (SELECT a.name FROM assets a WHERE a.id = s.subject_id)
                    ELSE (SELECT q.question FROM intel_requests q WHERE q.id = s.subject_id) END AS name
        FROM impact_subjects s JOIN subj USING (subject_type, subject_id)
        JOIN impact_rest t USING (subject_type, subject_id)
    ), numbered AS (
        SELECT e.*, ns.sequence + row_number() OVER (PARTITION BY e.subject_type, e.subject_id
                                                     ORDER BY e.ord, e.incident_id) AS seq,
               ns.rest, ns.name
        FROM impact_ev e JOIN now_state ns USING (subject_type, subject_id)
    ), written AS (
        INSERT INTO impact_events (organization_id, subject_type, subject_id, incident_id, type, sequence, occurred_at, data)
        SELECT org, e.subject_type, e.subject_id, e.incident_id, e.type, e.seq, at,
               jsonb_build_object('subject', jsonb_strip_nulls(jsonb_build_object('type', e.subject_type, 'id', e.subject_id,
                                                                                  'name', e.name)),
                                  'estimated_restoration', impact_ts(e.rest), 'sequence', e.seq, 'occurred_at', impact_ts(at))
               || CASE WHEN e.type = 'impact.cleared' THEN '{}'::jsonb ELSE jsonb_build_object('incident', jsonb_build_object(
                      'id', e.incident_id, 'kind', i.kind, 'severity', i.severity,
                      'status', CASE WHEN i.id IS NULL OR i.deleted_at IS NOT NULL THEN 'deleted' ELSE i.status END)) END
               || CASE WHEN e.type IN ('impact.started', 'impact.updated')
                       THEN jsonb_build_object('path', e.path, 'distance', e.distance) ELSE '{}'::jsonb END
               || CASE WHEN e.type = 'impact.ended' THEN jsonb_build_object('reason',
                      CASE WHEN i.id IS NULL OR i.deleted_at IS NOT NULL THEN 'incident_deleted'
                           WHEN i.status <> 'open' THEN 'incident_resolved'
                           WHEN e.name IS NULL OR NOT EXISTS (
                                SELECT 1 FROM assets a WHERE e.subject_type = 'asset' AND a.id = e.subject_id AND a.deleted_at IS NULL
                                UNION ALL
                                SELECT 1 FROM intel_requests q WHERE e.subject_type = 'intel_request' AND q.id = e.subject_id
                                  AND q.deleted_at IS NULL) THEN 'subject_deleted'
                           ELSE 'unreachable' END) ELSE '{}'::jsonb END
        FROM numbered e LEFT JOIN incidents i ON i.id = e.incident_id
        WHERE emit
        ORDER BY e.subject_type, e.subject_id, e.seq
        RETURNING 1
    )
    UPDATE impact_subjects s
    SET sequence = ns.sequence + CASE WHEN emit THEN ns.events ELSE 0 END, affected = ns.affected, estimated_restoration = ns.rest, updated_at = at
    FROM now_state ns
    WHERE s.subject_type = ns.subject_type AND s.subject_id = ns.subject_id AND (SELECT count(*) FROM written) >= 0;

    SELECT count(*) INTO n FROM impact_ev;
    RETURN n;
END $$;
COMMENT ON FUNCTION impact_recompute(uuid, uuid[], uuid[], uuid[], boolean) IS
    'recomputes the searches of some incidents of one organization, applies the differences and writes their impact events';

-- Recomputes every incident of the organization (open ones and those still holding state), the estimated
-- restorations of all of them, and writes the events of the differences. After a load that skipped the triggers; it
-- is also the baseline the benchmark compares the incremental path with. Returns the number of differences (events).
-- emit = false (the seed of a new organization: nobody has been told anything yet) stores the state without writing
-- events or advancing sequences; receivers learn it from GET /impact.
CREATE FUNCTION impact_rebuild(org uuid, emit boolean DEFAULT true) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    ids uuid[];
BEGIN
    PERFORM impact_lock(org);
    ids := ARRAY(SELECT id FROM incidents WHERE organization_id = org AND status = 'open' AND deleted_at IS NULL
                 UNION SELECT DISTINCT incident_id FROM impact_reach WHERE organization_id = org);
    RETURN impact_recompute(org, ids, ids, '{}', emit);
END $$;
COMMENT ON FUNCTION impact_rebuild(uuid, boolean) IS 'recomputes the whole impact state of an organization and writes the events of the differences';

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
