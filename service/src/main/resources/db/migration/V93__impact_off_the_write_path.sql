-- Impact off the write path (issue 20). V89_1's triggers recomputed impact inside the writer's transaction, under a
-- per-organization lock: every write of an organization paid its searches and its events (tens of ms on a large
-- organization) and waited for every other writer's. Now a trigger only records WHAT changed, in impact_changes, in
-- the writer's transaction (durable with the write, nothing to lose), and notifies herald_impact; impact_apply(org)
-- turns the recorded changes of one organization into the same incremental recompute (V89's impact_recompute), in
-- its own transaction under the organization's lock, in id order. The service's impact applier calls it when woken
-- (and on a poll, in case a notification was lost); Impact.applyPending does it synchronously (tests, rebuild-impact).
--
-- Why deferring stays exact: the changes are turned into incidents to recompute AT APPLY TIME, against the stored
-- impact_reach, under the organization's lock (so applies of one organization never overlap), and every search reads
-- the graph as committed when it runs. Take an incident Y whose stored search differs from a search over the committed
-- graph. The two first differ at a node n that both reach below the max distance: one of n's edges, or the liveness of
-- a dependent of n, changed after the apply A0 that stored Y's search read n's edges. That change's row committed with
-- the change, after A0 consumed its rows (A0 takes its rows before searching, so any row it took was visible to its
-- searches): a later apply takes it, finds Y through n in the stored reach, and recomputes Y. ImpactRandomTest checks
-- this with the applier running concurrently with the writers.
--
-- Several changes applied at once are coalesced: a receiver hears the net effect (an incident opened and resolved
-- between two applies produces nothing), with sequences still contiguous per subject.

CREATE TABLE impact_changes (
    id               bigserial PRIMARY KEY,
    organization_id  uuid NOT NULL,
    -- root: recompute this incident; node: a node's liveness changed (the incidents reaching it or its blockers);
    -- reach: an edge out of this blocker changed (the incidents reaching it below the max distance); restoration:
    -- this incident's outages changed; severity: this incident's severity changed; all: every incident (max distance)
    kind             text NOT NULL CHECK (kind IN ('root', 'node', 'reach', 'restoration', 'severity', 'all')),
    node_type        text,
    node_id          uuid,
    recorded_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'all') = (node_id IS NULL))
);
COMMENT ON TABLE impact_changes IS 'what changed that can alter impact, recorded by triggers in the writer''s transaction; consumed in id order by impact_apply';
CREATE INDEX impact_changes_org_idx ON impact_changes (organization_id, id);
COMMENT ON INDEX impact_changes_org_idx IS 'serves impact_apply (the oldest changes of one organization) and ImpactStore.PENDING_ORGANIZATIONS';

-- The work table of one apply (per session, emptied at commit), beside V89's.
CREATE OR REPLACE FUNCTION impact_temp_changes() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF to_regclass('pg_temp.impact_batch') IS NULL THEN
        CREATE TEMP TABLE impact_batch (kind text, node_type text, node_id uuid) ON COMMIT DELETE ROWS;
        -- the subjects a recompute's searches or outages touched (the others it tells only of a severity)
        CREATE TEMP TABLE impact_touched (subject_type text, subject_id uuid) ON COMMIT DELETE ROWS;
        -- the severities a recompute compares with what pairs were told, read once: the events then carry exactly
        -- what was compared, even if the incident changes again meanwhile (that change is recorded and applied next)
        CREATE TEMP TABLE impact_sev (incident_id uuid PRIMARY KEY, severity int) ON COMMIT DELETE ROWS;
    END IF;
END $$;

-- Applies up to max_changes of the organization's recorded changes (oldest first) as one recompute. Returns how many
-- it consumed (0: nothing was pending). Serialized per organization by impact_lock.
CREATE FUNCTION impact_apply(org uuid, max_changes int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    n int;
    roots uuid[];
BEGIN
    PERFORM impact_lock(org);
    PERFORM impact_temp_changes();
    DELETE FROM impact_batch;
    WITH taken AS (
        DELETE FROM impact_changes WHERE id IN (
            SELECT id FROM impact_changes WHERE organization_id = org ORDER BY id LIMIT max_changes)
        RETURNING kind, node_type, node_id)
    INSERT INTO impact_batch SELECT * FROM taken;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n = 0 THEN
        RETURN 0;
    END IF;
    IF EXISTS (SELECT 1 FROM impact_batch WHERE kind = 'all') THEN
        roots := ARRAY(SELECT id FROM incidents WHERE organization_id = org AND status = 'open' AND deleted_at IS NULL
                       UNION SELECT DISTINCT incident_id FROM impact_reach WHERE organization_id = org);
    ELSE
        roots := ARRAY(SELECT DISTINCT node_id FROM impact_batch WHERE kind = 'root')
            || impact_reaching_node(org, ARRAY(SELECT node_type FROM impact_batch WHERE kind = 'node' ORDER BY node_type, node_id),
                                         ARRAY(SELECT node_id FROM impact_batch WHERE kind = 'node' ORDER BY node_type, node_id))
            || impact_reaching(org, ARRAY(SELECT node_type FROM impact_batch WHERE kind = 'reach' ORDER BY node_type, node_id),
                                    ARRAY(SELECT node_id FROM impact_batch WHERE kind = 'reach' ORDER BY node_type, node_id), true);
    END IF;
    PERFORM impact_recompute(org, ARRAY(SELECT DISTINCT x FROM unnest(roots) x),
                             ARRAY(SELECT DISTINCT node_id FROM impact_batch WHERE kind = 'restoration'),
                             -- the severity of the roots too: an incident resolved, re-rated and reopened between two
                             -- applies keeps its pairs (no started/ended told), yet its severity changed
                             ARRAY(SELECT DISTINCT node_id FROM impact_batch WHERE kind IN ('severity', 'root')));
    RETURN n;
END $$;
COMMENT ON FUNCTION impact_apply(uuid, int) IS 'applies the oldest recorded impact changes of one organization as one incremental recompute';

-- impact_lock's key, tried: an applier finding another one at work on the organization leaves it to that one.
CREATE FUNCTION impact_try_lock(org uuid) RETURNS boolean LANGUAGE sql AS $$
    SELECT pg_try_advisory_xact_lock(1769235233, hashtext(org::text))
$$;

-- The triggers: record, notify, return. One notification per transaction (PostgreSQL folds identical ones).

CREATE OR REPLACE FUNCTION impact_on_incidents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO impact_changes (organization_id, kind, node_type, node_id)
        SELECT organization_id, k, 'incident', id FROM new_rows, unnest(ARRAY['root', 'node']) k WHERE deleted_at IS NULL;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO impact_changes (organization_id, kind, node_type, node_id)
        SELECT organization_id, k, 'incident', id FROM old_rows, unnest(ARRAY['root', 'node']) k;
    ELSE
        INSERT INTO impact_changes (organization_id, kind, node_type, node_id)
        SELECT DISTINCT x.organization_id, x.kind, 'incident', x.id FROM (
            SELECT o.organization_id, 'root' AS kind, n.id
            FROM new_rows n JOIN old_rows p ON p.id = n.id
            CROSS JOIN LATERAL (VALUES (n.organization_id), (p.organization_id)) o(organization_id)
            WHERE (n.status = 'open' AND n.deleted_at IS NULL) IS DISTINCT FROM (p.status = 'open' AND p.deleted_at IS NULL)
               OR n.organization_id IS DISTINCT FROM p.organization_id
            UNION ALL
            SELECT o.organization_id, 'node', n.id
            FROM new_rows n JOIN old_rows p ON p.id = n.id
            CROSS JOIN LATERAL (VALUES (n.organization_id), (p.organization_id)) o(organization_id)
            WHERE (n.deleted_at IS NULL) IS DISTINCT FROM (p.deleted_at IS NULL)
               OR n.organization_id IS DISTINCT FROM p.organization_id
            UNION ALL
            SELECT n.organization_id, 'severity', n.id
            FROM new_rows n JOIN old_rows p ON p.id = n.id
            WHERE n.severity IS DISTINCT FROM p.severity) x;
    END IF;
    IF FOUND THEN PERFORM pg_notify('herald_impact', ''); END IF;
    RETURN NULL;
END $$;

-- assets and intel_requests: a change of liveness (deleted_at set or cleared, a row inserted or deleted, moved).
CREATE OR REPLACE FUNCTION impact_on_subjects() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    t text := CASE TG_TABLE_NAME WHEN 'assets' THEN 'asset' ELSE 'intel_request' END;
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO impact_changes (organization_id, kind, node_type, node_id) SELECT organization_id, 'node', t, id FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO impact_changes (organization_id, kind, node_type, node_id) SELECT organization_id, 'node', t, id FROM old_rows;
    ELSE
        INSERT INTO impact_changes (organization_id, kind, node_type, node_id)
        SELECT n.organization_id, 'node', t, n.id FROM new_rows n JOIN old_rows p ON p.id = n.id
        WHERE (n.deleted_at IS NULL) IS DISTINCT FROM (p.deleted_at IS NULL)
        UNION SELECT p.organization_id, 'node', t, p.id FROM new_rows n JOIN old_rows p ON p.id = n.id
        WHERE n.organization_id IS DISTINCT FROM p.organization_id;
    END IF;
    IF FOUND THEN PERFORM pg_notify('herald_impact', ''); END IF;
    RETURN NULL;
END $$;

-- dependencies: an edge that became live or stopped being live (or changed ends): its blocker(s).
CREATE OR REPLACE FUNCTION impact_on_dependencies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO impact_changes (organization_id, kind, node_type, node_id)
        SELECT organization_id, 'reach', blocker_type, blocker_id FROM new_rows WHERE deleted IS NULL;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO impact_changes (organization_id, kind, node_type, node_id)
        SELECT organization_id, 'reach', blocker_type, blocker_id FROM old_rows WHERE deleted IS NULL;
    ELSE
        INSERT INTO impact_changes (organization_id, kind, node_type, node_id)
        SELECT x.organization_id, 'reach', x.blocker_type, x.blocker_id
        FROM new_rows n JOIN old_rows p ON p.id = n.id
        CROSS JOIN LATERAL (VALUES (n.organization_id, n.blocker_type, n.blocker_id),
                                   (p.organization_id, p.blocker_type, p.blocker_id)) x(organization_id, blocker_type, blocker_id)
        WHERE ((n.deleted IS NULL) IS DISTINCT FROM (p.deleted IS NULL)
               OR (n.deleted IS NULL AND (n.blocker_type, n.blocker_id, n.dependent_type, n.dependent_id, n.organization_id)
                   IS DISTINCT FROM (p.blocker_type, p.blocker_id, p.dependent_type, p.dependent_id, p.organization_id)));
    END IF;
    IF FOUND THEN PERFORM pg_notify('herald_impact', ''); END IF;
    RETURN NULL;
END $$;

-- outages and internet_outages: a change of an incident's live outages or of their estimated restorations.
CREATE OR REPLACE FUNCTION impact_on_outages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO impact_changes (organization_id, kind, node_type, node_id)
        SELECT organization_id, 'restoration', 'incident', incident_id FROM new_rows WHERE deleted_at IS NULL;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO impact_changes (organization_id, kind, node_type, node_id)
        SELECT organization_id, 'restoration', 'incident', incident_id FROM old_rows WHERE deleted_at IS NULL;
    ELSE
        INSERT INTO impact_changes (organization_id, kind, node_type, node_id)
        SELECT x.organization_id, 'restoration', 'incident', x.incident_id
        FROM new_rows n JOIN old_rows p ON p.id = n.id
        CROSS JOIN LATERAL (VALUES (n.organization_id, n.incident_id), (p.organization_id, p.incident_id)) x(organization_id, incident_id)
        WHERE (n.deleted_at IS NULL) IS DISTINCT FROM (p.deleted_at IS NULL)
           OR (n.deleted_at IS NULL AND (n.estimated_restoration IS DISTINCT FROM p.estimated_restoration
                                         OR n.incident_id IS DISTINCT FROM p.incident_id));
    END IF;
    IF FOUND THEN PERFORM pg_notify('herald_impact', ''); END IF;
    RETURN NULL;
END $$;

-- organizations: a new max distance changes every search of the organization.
CREATE OR REPLACE FUNCTION impact_on_organizations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO impact_changes (organization_id, kind)
    SELECT n.id, 'all' FROM new_rows n JOIN old_rows p ON p.id = n.id WHERE n.max_distance IS DISTINCT FROM p.max_distance;
    IF FOUND THEN PERFORM pg_notify('herald_impact', ''); END IF;
    RETURN NULL;
END $$;

-- The severity each (subject, incident) pair was last told, so a severity change that nets out between two applies (or
-- that a started event already carried) produces no impact.updated: V89's impact_recompute with that one filter and
-- the column kept as events are written. NULL: never told (a pair seeded without events).
ALTER TABLE impact_reach ADD COLUMN severity int;
COMMENT ON COLUMN impact_reach.severity IS 'incident severity the pair''s last started/updated event carried (NULL: none)';
UPDATE impact_reach r SET severity = i.severity FROM incidents i WHERE i.id = r.incident_id;

CREATE OR REPLACE FUNCTION impact_recompute(org uuid, roots uuid[], restoration_of uuid[] DEFAULT '{}',
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
    PERFORM impact_temp_changes();
    DELETE FROM impact_touched;
    DELETE FROM impact_sev;
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

    INSERT INTO impact_touched SELECT DISTINCT subject_type, subject_id FROM impact_ev;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n > 500 THEN ANALYZE impact_ev; END IF;
    INSERT INTO impact_sev SELECT id, severity FROM incidents WHERE id = ANY (severity_of);

    -- a join, not a subquery per pair: an apply can carry hundreds of severity changes (temp tables have no statistics
    -- until analyzed, and a per-row lookup in one was planned as a scan of it). The pairs are found through the
    -- primary key by the array (incident_id = ANY): joined on impact_sev alone, whose size the planner guesses at
    -- 1,700 rows when it holds one, the join scanned all of impact_reach (68 ms per apply of one change on the large
    -- profile, 0.2 ms through the index)
    IF cardinality(severity_of) > 50 THEN ANALYZE impact_sev; END IF;
    INSERT INTO impact_ev
    SELECT r.node_type, r.node_id, r.incident_id, 'impact.updated', 2, r.path, r.distance
    FROM impact_sev v JOIN impact_reach r ON r.incident_id = v.incident_id
    WHERE r.incident_id = ANY (severity_of)
      AND r.node_type IN ('asset', 'intel_request') AND r.severity IS DISTINCT FROM v.severity
      AND NOT EXISTS (SELECT 1 FROM impact_ev e WHERE e.subject_type = r.node_type AND e.subject_id = r.node_id
                      AND e.incident_id = r.incident_id);

    -- the subjects this change can touch (those with events from the searches, those reached by an incident whose
    -- outages changed): whether each is still affected and its estimated restoration, each incident's computed once
    INSERT INTO impact_rest
    WITH t AS (
        SELECT subject_type AS st, subject_id AS sid FROM impact_touched
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
    -- the subjects told only of a severity: neither their incidents nor those incidents' outages changed, so they are
    -- still affected with the stored restoration (not recomputed: a severity change of a wide incident touches
    -- hundreds of subjects, each reached by many incidents)
    INSERT INTO impact_rest
    SELECT DISTINCT e.subject_type, e.subject_id, s.estimated_restoration, true
    FROM impact_ev e JOIN impact_subjects s ON s.subject_type = e.subject_type AND s.subject_id = e.subject_id
    WHERE NOT EXISTS (SELECT 1 FROM impact_rest t WHERE t.subject_type = e.subject_type AND t.subject_id = e.subject_id);
    GET DIAGNOSTICS k = ROW_COUNT;
    n := n + k;
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
                      'id', e.incident_id, 'kind', i.kind, 'severity', coalesce(v.severity, i.severity),
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
        FROM numbered e LEFT JOIN incidents i ON i.id = e.incident_id LEFT JOIN impact_sev v ON v.incident_id = e.incident_id
        WHERE emit
        ORDER BY e.subject_type, e.subject_id, e.seq
        RETURNING 1
    ), told AS (
        UPDATE impact_reach r SET severity = coalesce(v.severity, i.severity)
        FROM numbered e JOIN incidents i ON i.id = e.incident_id LEFT JOIN impact_sev v ON v.incident_id = e.incident_id
        WHERE emit AND e.type IN ('impact.started', 'impact.updated')
          AND r.incident_id = e.incident_id AND r.node_type = e.subject_type AND r.node_id = e.subject_id
        RETURNING 1
    )
    UPDATE impact_subjects s
    SET sequence = ns.sequence + CASE WHEN emit THEN ns.events ELSE 0 END, affected = ns.affected, estimated_restoration = ns.rest, updated_at = at
    FROM now_state ns
    WHERE s.subject_type = ns.subject_type AND s.subject_id = ns.subject_id AND (SELECT count(*) FROM written) >= 0 AND (SELECT count(*) FROM told) >= 0;

    SELECT count(*) INTO n FROM impact_ev;
    RETURN n;
END $$;
COMMENT ON FUNCTION impact_recompute(uuid, uuid[], uuid[], uuid[], boolean) IS
    'recomputes the searches of some incidents of one organization, applies the differences and writes their impact events';
