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
        CREATE INDEX ON impact_rest (subject_id, subject_type);
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
        -- a temp table has no statistics until analyzed: past a few hundred rows the next statements need them, or
        -- the planner takes it for empty and nests loops over it (quadratic on a whole organization)
        IF n > 500 THEN ANALYZE impact_fresh; END IF;
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
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n > 500 THEN ANALYZE impact_diff; END IF;

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
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n > 500 THEN ANALYZE impact_rest; ANALYZE impact_ev; END IF;

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
    IF n > 500 THEN ANALYZE impact_ev; END IF;

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

-- The triggers that call impact_recompute, the reads and the scope predicate: V89_1.
