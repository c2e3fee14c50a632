-- Schema hygiene; nothing a client sees changes.
--
-- 1. The outbox table goes. No relay ever read it: the triggers on the source tables (herald_incident_changed() and
--    the others below) write the work units themselves, in the writer's own transaction, which is the guarantee a
--    transactional outbox exists for; its rows were inserted already processed, never read and never pruned. What
--    the work units took from it, an identity per change (the fingerprint the units of one change share, and the
--    high-water mark the burst benchmark counts from), now comes from a sequence, and the column is named for it.
-- 2. deliveries_work_unit_idx and assets_location_idx go: every ack maintained the first and no query reads it (a
--    unit's delivery is found by its idempotency key); no query reads assets by location (a partial index cannot
--    serve the foreign key either). work_units_open_created_idx and work_units_dead_idx go too: WorkQueue.GAUGES,
--    the only query on those states, filters state IN ('queued', 'running', 'dead'), which neither partial index
--    matches (EXPLAIN shows a sequential scan even with enable_seqscan off), and every enqueue and claim kept them.
-- 3. Every index comment names the query constant or SQL function that uses it today (IndexCommentsTest keeps them
--    true).
--
-- Nothing uses session_replication_role, whatever V40's header says: the seed disables every user trigger inside its
-- own transaction (ALTER TABLE ... DISABLE TRIGGER USER, workload.Workload), and an import disables only the view
-- trigger of the table it loads (imports.ViewMaintenance), so imported changes notify like any other write.

CREATE SEQUENCE herald_change_seq;
SELECT setval('herald_change_seq', coalesce((SELECT max(id) FROM outbox), 0) + 1, false);
COMMENT ON SEQUENCE herald_change_seq IS 'one number per notifying change: the change_id of its work units and part of their fingerprint';

ALTER TABLE work_units RENAME COLUMN outbox_id TO change_id;
ALTER TABLE work_units_done RENAME COLUMN outbox_id TO change_id;

-- Fans a change out to one work unit per live contact whose subscription accepts it. An older queued work unit of the
-- same subject for the same contact is superseded unless the organization wants every change.
CREATE FUNCTION herald_enqueue(p_org uuid, p_subject_type text, p_subject_id uuid, p_incident uuid, p_event text,
                               p_kind text, p_severity int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_change bigint := nextval('herald_change_seq');
    v_every boolean;
    v_count int;
BEGIN
    SELECT every_change INTO v_every FROM organizations WHERE id = p_org;

    WITH targets AS (
        SELECT c.id AS contact_id, c.channel, gen_random_uuid() AS wu_id
        FROM contacts c
        WHERE c.organization_id = p_org AND c.disabled_at IS NULL
          AND herald_subscription_accepts(c.subscription, p_kind, p_severity)
    ), inserted AS (
        INSERT INTO work_units (id, organization_id, subject_type, subject_id, incident_id, event, contact_id, channel,
                                fingerprint, change_id)
        SELECT t.wu_id, p_org, p_subject_type, p_subject_id, p_incident, p_event, t.contact_id, t.channel,
               p_subject_type || ':' || p_subject_id || '@' || v_change, v_change
        FROM targets t
        RETURNING id, contact_id
    ), superseded AS (
        UPDATE work_units w
        SET state = 'superseded', superseded_by = i.id, finished_at = now(), updated_at = now()
        FROM inserted i
        WHERE NOT coalesce(v_every, false)
          AND w.contact_id = i.contact_id AND w.subject_type = p_subject_type AND w.subject_id = p_subject_id
          AND w.state = 'queued' AND w.id <> i.id
        RETURNING w.id
    )
    SELECT count(*) INTO v_count FROM inserted;

    IF v_count > 0 THEN
        PERFORM pg_notify('herald_work', '');
    END IF;
END;
$$;
COMMENT ON FUNCTION herald_enqueue(uuid, text, uuid, uuid, text, text, int) IS
    'fans one change out to a work unit per live contact whose subscription accepts it, superseding older queued work';

CREATE OR REPLACE FUNCTION herald_incident_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_event text;
BEGIN
    IF NEW.deleted_at IS NOT NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        v_event := CASE WHEN NEW.status = 'resolved' THEN 'incident.resolved' ELSE 'incident.created' END;
    ELSIF NEW.status = 'resolved' AND OLD.status IS DISTINCT FROM 'resolved' THEN
        v_event := 'incident.resolved';
    ELSIF NEW.status IS DISTINCT FROM OLD.status OR NEW.severity IS DISTINCT FROM OLD.severity
          OR NEW.location_id IS DISTINCT FROM OLD.location_id OR OLD.deleted_at IS NOT NULL THEN
        v_event := 'incident.changed';
    ELSE
        RETURN NULL;
    END IF;
    PERFORM herald_enqueue(NEW.organization_id, 'incident', NEW.id, NEW.id, v_event, NEW.kind, NEW.severity);
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION herald_outage_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    i record;
BEGIN
    IF NEW.deleted_at IS NOT NULL OR NEW.estimated_restoration IS NULL AND TG_OP = 'INSERT' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.estimated_restoration IS NOT DISTINCT FROM OLD.estimated_restoration THEN
        RETURN NULL;
    END IF;
    SELECT id, organization_id, kind, severity, status, deleted_at INTO i FROM incidents WHERE id = NEW.incident_id;
    IF NOT FOUND OR i.deleted_at IS NOT NULL OR i.status <> 'open' THEN
        RETURN NULL;
    END IF;
    PERFORM herald_enqueue(i.organization_id, 'incident', i.id, i.id, 'incident.changed', i.kind, i.severity);
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION herald_intel_request_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_event text;
BEGIN
    IF NEW.deleted_at IS NOT NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        v_event := 'intel_request.created';
    ELSIF NEW.status IS DISTINCT FROM OLD.status OR NEW.question IS DISTINCT FROM OLD.question
          OR NEW.parent_id IS DISTINCT FROM OLD.parent_id THEN
        v_event := 'intel_request.changed';
    ELSE
        RETURN NULL;
    END IF;
    PERFORM herald_enqueue(NEW.organization_id, 'intel_request', NEW.id, NULL, v_event, NULL, NULL);
    RETURN NULL;
END;
$$;

DROP FUNCTION herald_enqueue(uuid, text, uuid, uuid, text, text, int, jsonb);
DROP TABLE outbox;
DROP INDEX deliveries_work_unit_idx;
DROP INDEX assets_location_idx;
DROP INDEX work_units_open_created_idx;
DROP INDEX work_units_dead_idx;

COMMENT ON INDEX incidents_location_idx IS
    'serves current_incidents_on_write() (via current_incidents_affected_sql()): the incidents at a changed location';
COMMENT ON INDEX outages_location_idx IS
    'serves current_incidents_on_write() (via current_incidents_affected_sql()): the outages at a changed location';
COMMENT ON INDEX outages_incident_idx IS
    'serves current_incidents_refresh() and current_incidents_rebuild() (the LATERAL outages of an incident in current_incidents_fresh)';
COMMENT ON INDEX internet_outages_incident_idx IS
    'serves current_incidents_refresh() and current_incidents_rebuild() (the LATERAL internet outages of an incident in current_incidents_fresh)';
COMMENT ON INDEX intel_requests_parent_idx IS
    'serves current_incidents_on_write() (via current_incidents_affected_sql()): the children of a changed intel request';
COMMENT ON INDEX dependencies_blocker_live_idx IS
    'serves Edges.DIRECT_DEPENDENTS and each step of SqlResolution.RESOLVE_DEPENDENTS; keeps live edges unique';
COMMENT ON INDEX dependencies_dependent_live_idx IS
    'serves Edges.DIRECT_BLOCKERS and each step of SqlResolution.RESOLVE_BLOCKERS';
COMMENT ON INDEX dependencies_org_live_idx IS 'serves Snapshots.LOAD_ORG_EDGES (the in-memory adjacency snapshot of one organization)';
COMMENT ON INDEX work_units_ready_idx IS
    'serves WorkQueue.CLAIM, WorkQueue.CLAIM_FOR_DELIVERY and WorkQueue.PEEK_READY (queued work whose run_at has come, oldest first)';
COMMENT ON INDEX work_units_lease_idx IS 'serves WorkQueue.RECLAIM_EXPIRED (running work whose lease ran out)';
COMMENT ON INDEX work_units_supersede_idx IS 'serves herald_enqueue() (older queued work of the same subject for the same contact)';
COMMENT ON INDEX work_units_done_finished_idx IS 'serves WorkQueue.PRUNE_DONE_HISTORY (drop history older than work.history-retention)';
COMMENT ON INDEX work_units_finished_idx IS 'serves WorkQueue.MOVE_FINISHED (finished work moved to work_units_done)';
COMMENT ON INDEX deliveries_idempotency_idx IS
    'serves WorkQueue.CLAIM_FOR_DELIVERY (the delivery row an earlier attempt recorded) and WorkQueue.COMPLETE (ON CONFLICT): one delivery per (work unit, contact), whatever process records it';
COMMENT ON INDEX contacts_org_live_idx IS 'serves herald_enqueue() (the live contacts of an organization an event fans out to)';
COMMENT ON INDEX contacts_org_all_idx IS 'serves Contacts.LIST_BY_ORG (every contact of an organization, disabled ones too, oldest first: its page, counted page and count)';
