-- Impact notifications: every impact event (V89's impact_events, written in the change's transaction) fans out to the
-- contacts whose subscription accepts it, through the one filter (herald_subscription_accepts), in the same
-- transaction; and a subscription can be scoped to the graph: "anything within N hops of X".

-- {"within": {"type", "id", "hops"}} read into generated columns like the other filters (V88).
ALTER TABLE contacts
    ADD COLUMN sub_within_type text GENERATED ALWAYS AS (subscription -> 'within' ->> 'type') STORED,
    ADD COLUMN sub_within_id   uuid GENERATED ALWAYS AS ((subscription -> 'within' ->> 'id')::uuid) STORED,
    ADD COLUMN sub_within_hops int  GENERATED ALWAYS AS ((subscription -> 'within' ->> 'hops')::int) STORED;

-- V88's filter plus `within`: the event's subject is X itself or within hops edges downstream of X over live edges
-- (impact_within of V89, evaluated only for the contacts that have the filter).
CREATE OR REPLACE FUNCTION herald_subscription_accepts(c contacts, p_type text, p_kind text, p_severity int, p_located boolean,
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
       AND CASE WHEN c.sub_within_id IS NULL THEN true
                ELSE impact_within(c.organization_id, c.sub_within_type, c.sub_within_id, c.sub_within_hops,
                                   p_subject_type, p_subject_id) END
$$;

-- The fan-out of the impact events one statement wrote: one work unit per (event, accepting live contact), in one
-- INSERT. The event's attributes: the incident's kind and severity; the location of the asset it is about (else the
-- incident's); the asset's type. Impact events never supersede one another: each carries its subject's sequence, so
-- a receiver orders them itself, and an older event for one incident is not replaced by a newer one for another.
-- The unit's fingerprint 'impact:<event id>' is what its context is read from (the event's data, as stored).
CREATE FUNCTION herald_enqueue_impact() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_count int;
BEGIN
    WITH ev AS (
        SELECT e.id, e.organization_id, e.subject_type, e.subject_id, e.incident_id, e.type, i.kind, i.severity,
               l.id IS NOT NULL AS located, l.region, l.locality, l.postcode, a.asset_type_id,
               nextval('herald_change_seq') AS change_id
        FROM new_events e
        LEFT JOIN incidents i ON i.id = e.incident_id
        LEFT JOIN assets a ON e.subject_type = 'asset' AND a.id = e.subject_id
        LEFT JOIN locations l ON l.id = coalesce(a.location_id, i.location_id)
    ), inserted AS (
        INSERT INTO work_units (id, organization_id, subject_type, subject_id, incident_id, event, contact_id, channel,
                                fingerprint, change_id, run_at)
        SELECT gen_random_uuid(), ev.organization_id, ev.subject_type, ev.subject_id, ev.incident_id, ev.type, c.id,
               c.channel, 'impact:' || ev.id, ev.change_id, greatest(now(), coalesce(c.paused_until, now()))
        FROM ev
        JOIN contacts c ON c.organization_id = ev.organization_id AND c.disabled_at IS NULL
        WHERE herald_subscription_accepts(c, ev.type, ev.kind, ev.severity, ev.located, ev.region, ev.locality, ev.postcode,
                                          ev.subject_type, ev.subject_id, ev.asset_type_id)
        RETURNING 1
    )
    SELECT count(*) INTO v_count FROM inserted;
    IF v_count > 0 THEN
        PERFORM pg_notify('herald_work', '');
    END IF;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION herald_enqueue_impact() IS
    'fans the impact events of one statement out to the contacts whose subscription accepts them (no supersede)';

CREATE TRIGGER impact_events_notify AFTER INSERT ON impact_events
    REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION herald_enqueue_impact();
