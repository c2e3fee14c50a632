-- Event types from the catalog (dev.herald.events.EventCatalog) and subscription filters that speak the domain.
--
-- 1. The triggers emit the catalog's names: incident.opened / incident.updated / incident.resolved, outage.added,
--    outage.restoration_changed, internet_outage.added, intel_request.created / intel_request.updated (before:
--    incident.created, incident.changed for every outage change, intel_request.changed; no internet-outage event).
-- 2. A contact's subscription is read into typed, generated columns (sub_*), so the filter is plain array and scalar
--    comparisons on the contact row, evaluated in ONE place: herald_subscription_accepts(contacts, event attributes),
--    called by both fan-outs (herald_enqueue, herald_enqueue_operational). The JSON stays the stored truth (PATCH and
--    psql writers alike); the columns follow it.

-- The elements of a JSON array as text[]; NULL when the value is not a non-empty array (filter absent: no narrowing).
CREATE FUNCTION herald_json_texts(v jsonb) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN jsonb_typeof(v) = 'array' AND jsonb_array_length(v) > 0
                THEN ARRAY(SELECT jsonb_array_elements_text(v)) END
$$;
-- The same as uuid[] (the API refuses a malformed id on save; a psql writer's malformed id fails its own write).
CREATE FUNCTION herald_json_uuids(v jsonb) RETURNS uuid[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN jsonb_typeof(v) = 'array' AND jsonb_array_length(v) > 0
                THEN ARRAY(SELECT jsonb_array_elements_text(v)::uuid) END
$$;

ALTER TABLE contacts
    ADD COLUMN sub_types             text[] GENERATED ALWAYS AS (herald_json_texts(subscription -> 'types')) STORED,
    ADD COLUMN sub_kinds             text[] GENERATED ALWAYS AS (herald_json_texts(subscription -> 'kinds')) STORED,
    ADD COLUMN sub_min_severity      int    GENERATED ALWAYS AS (
        CASE WHEN jsonb_typeof(subscription -> 'min_severity') = 'number'
             THEN (subscription ->> 'min_severity')::numeric::int END) STORED,
    ADD COLUMN sub_regions           text[] GENERATED ALWAYS AS (herald_json_texts(subscription -> 'regions')) STORED,
    ADD COLUMN sub_localities        text[] GENERATED ALWAYS AS (herald_json_texts(subscription -> 'localities')) STORED,
    ADD COLUMN sub_postcodes         text[] GENERATED ALWAYS AS (herald_json_texts(subscription -> 'postcodes')) STORED,
    ADD COLUMN sub_asset_types       uuid[] GENERATED ALWAYS AS (herald_json_uuids(subscription -> 'asset_types')) STORED,
    ADD COLUMN sub_assets            uuid[] GENERATED ALWAYS AS (herald_json_uuids(subscription -> 'asset_ids')) STORED,
    ADD COLUMN sub_intel_requests    uuid[] GENERATED ALWAYS AS (herald_json_uuids(subscription -> 'intel_request_ids')) STORED;

-- Does a contact's subscription accept an event? Every filter present must accept it (absent: no narrowing).
--   types:      exact names, 'family.*' or '*'. Absent: every type except impact.* (graph-scoped, opted into).
--   kinds, min_severity: the incident's; an event without an incident (intel request, operational) is not narrowed.
--   regions, localities, postcodes: the event's location (the incident's; for an event about an asset, the asset's);
--               an event that has no location (intel request, operational) is not narrowed; a located event whose
--               location lacks the field does not match.
--   asset_types, asset_ids, intel_request_ids: the event's subject must be one of them (any of the three lists);
--               only events about an asset or intel request can match (impact.*, intel_request.*).
CREATE FUNCTION herald_subscription_accepts(c contacts, p_type text, p_kind text, p_severity int, p_located boolean,
                                            p_region text, p_locality text, p_postcode text,
                                            p_subject_type text, p_subject_id uuid, p_asset_type uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT (CASE WHEN c.sub_types IS NULL THEN p_type NOT LIKE 'impact.%'
                 ELSE c.sub_types && ARRAY[p_type, split_part(p_type, '.', 1) || '.*', '*'] END)
       AND (p_kind IS NULL OR c.sub_kinds IS NULL OR p_kind = ANY (c.sub_kinds))
       AND (p_severity IS NULL OR c.sub_min_severity IS NULL OR p_severity >= c.sub_min_severity)
       AND (NOT p_located
            OR ((c.sub_regions IS NULL OR p_region = ANY (c.sub_regions))
                AND (c.sub_localities IS NULL OR p_locality = ANY (c.sub_localities))
                AND (c.sub_postcodes IS NULL OR p_postcode = ANY (c.sub_postcodes))))
       AND ((c.sub_asset_types IS NULL AND c.sub_assets IS NULL AND c.sub_intel_requests IS NULL)
            OR (p_subject_type = 'asset' AND (p_asset_type = ANY (c.sub_asset_types) OR p_subject_id = ANY (c.sub_assets)))
            OR (p_subject_type = 'intel_request' AND p_subject_id = ANY (c.sub_intel_requests)))
$$;
COMMENT ON FUNCTION herald_subscription_accepts(contacts, text, text, int, boolean, text, text, text, text, uuid, uuid) IS
    'the one subscription filter: does a contact (its sub_* columns) accept an event with these attributes';

-- The fan-out of V82 with the event's attributes read once (the incident's kind, severity and location) and the one
-- filter above; its signature is unchanged, so every caller (triggers, benchmarks) keeps working.
CREATE OR REPLACE FUNCTION herald_enqueue(p_org uuid, p_subject_type text, p_subject_id uuid, p_incident uuid, p_event text,
                                          p_kind text, p_severity int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_change bigint := nextval('herald_change_seq');
    v_every boolean;
    v_count int;
    v_located boolean := false;
    v_region text;
    v_locality text;
    v_postcode text;
BEGIN
    SELECT every_change INTO v_every FROM organizations WHERE id = p_org;
    IF p_incident IS NOT NULL THEN
        SELECT true, l.region, l.locality, l.postcode INTO v_located, v_region, v_locality, v_postcode
        FROM incidents i LEFT JOIN locations l ON l.id = i.location_id
        WHERE i.id = p_incident;
        v_located := coalesce(v_located, false);
    END IF;

    WITH targets AS (
        SELECT c.id AS contact_id, c.channel, gen_random_uuid() AS wu_id,
               greatest(now(), coalesce(c.paused_until, now())) AS run_at
        FROM contacts c
        WHERE c.organization_id = p_org AND c.disabled_at IS NULL
          AND herald_subscription_accepts(c, p_event, p_kind, p_severity, v_located, v_region, v_locality, v_postcode,
                                          p_subject_type, p_subject_id, NULL)
    ), inserted AS (
        INSERT INTO work_units (id, organization_id, subject_type, subject_id, incident_id, event, contact_id, channel,
                                fingerprint, change_id, run_at)
        SELECT t.wu_id, p_org, p_subject_type, p_subject_id, p_incident, p_event, t.contact_id, t.channel,
               p_subject_type || ':' || p_subject_id || '@' || v_change, v_change, t.run_at
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

-- The operational fan-out of V82, filtered by the same function (an operational contact can narrow by type).
CREATE OR REPLACE FUNCTION herald_enqueue_operational(p_org uuid, p_subject_type text, p_subject_id uuid,
                                                      p_about_contact uuid, p_event text) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    v_change bigint := nextval('herald_change_seq');
    v_count int;
BEGIN
    WITH inserted AS (
        INSERT INTO work_units (id, organization_id, subject_type, subject_id, event, contact_id, channel, fingerprint,
                                change_id, run_at)
        SELECT gen_random_uuid(), p_org, p_subject_type, p_subject_id, p_event, c.id, c.channel,
               p_subject_type || ':' || p_subject_id || '@' || v_change, v_change,
               greatest(now(), coalesce(c.paused_until, now()))
        FROM contacts c
        WHERE c.organization_id = p_org AND c.operational AND c.disabled_at IS NULL
          AND c.id IS DISTINCT FROM p_about_contact
          AND herald_subscription_accepts(c, p_event, NULL, NULL, false, NULL, NULL, NULL, p_subject_type, p_subject_id, NULL)
        RETURNING id, contact_id
    ), superseded AS (
        UPDATE work_units w
        SET state = 'superseded', superseded_by = i.id, finished_at = now(), updated_at = now()
        FROM inserted i
        WHERE w.contact_id = i.contact_id AND w.subject_type = p_subject_type AND w.subject_id = p_subject_id
          AND w.state = 'queued' AND w.id <> i.id
        RETURNING w.id
    )
    SELECT count(*) INTO v_count FROM inserted;
    IF v_count > 0 THEN
        PERFORM pg_notify('herald_work', '');
    END IF;
    RETURN v_count;
END;
$$;

DROP FUNCTION herald_subscription_accepts(jsonb, text, int);

CREATE OR REPLACE FUNCTION herald_incident_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_event text;
BEGIN
    IF NEW.deleted_at IS NOT NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        v_event := CASE WHEN NEW.status = 'resolved' THEN 'incident.resolved' ELSE 'incident.opened' END;
    ELSIF NEW.status = 'resolved' AND OLD.status IS DISTINCT FROM 'resolved' THEN
        v_event := 'incident.resolved';
    ELSIF NEW.status IS DISTINCT FROM OLD.status OR NEW.severity IS DISTINCT FROM OLD.severity
          OR NEW.location_id IS DISTINCT FROM OLD.location_id OR OLD.deleted_at IS NOT NULL THEN
        v_event := 'incident.updated';
    ELSE
        RETURN NULL;
    END IF;
    PERFORM herald_enqueue(NEW.organization_id, 'incident', NEW.id, NEW.id, v_event, NEW.kind, NEW.severity);
    RETURN NULL;
END;
$$;

-- An outage added to an open incident, or its estimated restoration changed. The subject stays the incident (an older
-- queued notification of the incident is superseded by the newer one, unless the organization wants every change).
CREATE OR REPLACE FUNCTION herald_outage_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    i record;
BEGIN
    IF NEW.deleted_at IS NOT NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.estimated_restoration IS NOT DISTINCT FROM OLD.estimated_restoration THEN
        RETURN NULL;
    END IF;
    SELECT id, organization_id, kind, severity, status, deleted_at INTO i FROM incidents WHERE id = NEW.incident_id;
    IF NOT FOUND OR i.deleted_at IS NOT NULL OR i.status <> 'open' THEN
        RETURN NULL;
    END IF;
    PERFORM herald_enqueue(i.organization_id, 'incident', i.id, i.id,
                           CASE TG_TABLE_NAME
                               WHEN 'internet_outages' THEN 'internet_outage.added'
                               ELSE CASE TG_OP WHEN 'INSERT' THEN 'outage.added' ELSE 'outage.restoration_changed' END
                           END,
                           i.kind, i.severity);
    RETURN NULL;
END;
$$;

CREATE TRIGGER internet_outages_notify AFTER INSERT ON internet_outages
    FOR EACH ROW EXECUTE FUNCTION herald_outage_changed();

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
        v_event := 'intel_request.updated';
    ELSE
        RETURN NULL;
    END IF;
    PERFORM herald_enqueue(NEW.organization_id, 'intel_request', NEW.id, NULL, v_event, NULL, NULL);
    RETURN NULL;
END;
$$;
