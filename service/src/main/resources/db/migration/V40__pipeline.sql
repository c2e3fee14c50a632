-- The notification pipeline: a change to an incident (or its outages) or an intel request writes an outbox row and its
-- work units in the SAME transaction, by triggers on the source tables, so every writer (API, import, psql) is covered.
-- Bulk loads that must not notify run with session_replication_role = replica, which skips these triggers.

-- When a work unit was claimed and by which attempt; the queue's hot table keeps only live work.
ALTER TABLE work_units ADD COLUMN outbox_id bigint;
ALTER TABLE work_units ADD COLUMN superseded_by uuid;

-- Finished work (done, superseded, throttled, failed) is moved here after work.prune-after, so the hot table stays small;
-- GET /work-units/{id} reads both.
CREATE TABLE work_units_done (LIKE work_units INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE work_units_done ADD PRIMARY KEY (id);
CREATE INDEX work_units_done_finished_idx ON work_units_done (finished_at);
COMMENT ON INDEX work_units_done_finished_idx IS 'serves Queue.PRUNE_DONE_HISTORY (drop history older than work.history-retention)';

CREATE INDEX work_units_finished_idx ON work_units (finished_at)
    WHERE state IN ('done', 'superseded', 'throttled', 'failed');
COMMENT ON INDEX work_units_finished_idx IS 'serves Queue.MOVE_FINISHED (finished work moved to work_units_done)';
CREATE INDEX work_units_open_created_idx ON work_units (created_at) WHERE state IN ('queued', 'running');
COMMENT ON INDEX work_units_open_created_idx IS 'serves Queue.GAUGES (oldest queued age)';

CREATE INDEX deliveries_work_unit_idx ON deliveries (work_unit_id);
COMMENT ON INDEX deliveries_work_unit_idx IS 'serves WorkUnits.DELIVERIES_OF (the deliveries of one work unit)';

-- Does a contact's subscription accept an event? {"kinds": [...], "min_severity": n}; an absent or empty filter accepts
-- everything. Kinds and severity filter incidents only (an intel request has neither).
CREATE FUNCTION herald_subscription_accepts(sub jsonb, kind text, severity int) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT (kind IS NULL
            OR jsonb_typeof(sub -> 'kinds') IS DISTINCT FROM 'array'
            OR jsonb_array_length(sub -> 'kinds') = 0
            OR (sub -> 'kinds') ? kind)
       AND (severity IS NULL
            OR jsonb_typeof(sub -> 'min_severity') IS DISTINCT FROM 'number'
            OR severity >= (sub ->> 'min_severity')::int)
$$;

-- Writes one outbox row and fans it out to one work unit per live contact whose subscription accepts it. An older
-- queued work unit of the same subject for the same contact is superseded unless the organization wants every change.
CREATE FUNCTION herald_enqueue(p_org uuid, p_subject_type text, p_subject_id uuid, p_incident uuid, p_event text,
                               p_kind text, p_severity int, p_payload jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_outbox bigint;
    v_every boolean;
    v_count int;
BEGIN
    INSERT INTO outbox (organization_id, subject_type, subject_id, event, payload, processed_at)
    VALUES (p_org, p_subject_type, p_subject_id, p_event, p_payload, now())
    RETURNING id INTO v_outbox;

    SELECT every_change INTO v_every FROM organizations WHERE id = p_org;

    WITH targets AS (
        SELECT c.id AS contact_id, c.channel, gen_random_uuid() AS wu_id
        FROM contacts c
        WHERE c.organization_id = p_org AND c.disabled_at IS NULL
          AND herald_subscription_accepts(c.subscription, p_kind, p_severity)
    ), inserted AS (
        INSERT INTO work_units (id, organization_id, subject_type, subject_id, incident_id, event, contact_id, channel,
                                fingerprint, outbox_id)
        SELECT t.wu_id, p_org, p_subject_type, p_subject_id, p_incident, p_event, t.contact_id, t.channel,
               p_subject_type || ':' || p_subject_id || '@' || v_outbox, v_outbox
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

CREATE FUNCTION herald_incident_changed() RETURNS trigger
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
    PERFORM herald_enqueue(NEW.organization_id, 'incident', NEW.id, NEW.id, v_event, NEW.kind, NEW.severity,
                           jsonb_build_object('status', NEW.status, 'severity', NEW.severity, 'version', NEW.version));
    RETURN NULL;
END;
$$;

CREATE TRIGGER incidents_notify AFTER INSERT OR UPDATE ON incidents
    FOR EACH ROW EXECUTE FUNCTION herald_incident_changed();

-- A new estimated restoration of one of its outages changes the incident.
CREATE FUNCTION herald_outage_changed() RETURNS trigger
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
    PERFORM herald_enqueue(i.organization_id, 'incident', i.id, i.id, 'incident.changed', i.kind, i.severity,
                           jsonb_build_object('outage_id', NEW.id, 'estimated_restoration', NEW.estimated_restoration));
    RETURN NULL;
END;
$$;

CREATE TRIGGER outages_notify AFTER INSERT OR UPDATE OF estimated_restoration ON outages
    FOR EACH ROW EXECUTE FUNCTION herald_outage_changed();

CREATE FUNCTION herald_intel_request_changed() RETURNS trigger
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
    PERFORM herald_enqueue(NEW.organization_id, 'intel_request', NEW.id, NULL, v_event, NULL, NULL,
                           jsonb_build_object('status', NEW.status));
    RETURN NULL;
END;
$$;

CREATE TRIGGER intel_requests_notify AFTER INSERT OR UPDATE ON intel_requests
    FOR EACH ROW EXECUTE FUNCTION herald_intel_request_changed();
