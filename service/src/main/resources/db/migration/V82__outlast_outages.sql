-- Deliveries that outlast the receiver's own outage (issue 16).
--
-- 1. Retry schedules: a list of delays in milliseconds per organization and per contact (NULL: the next level's, up to
--    delivery.retry-schedule). The pipeline's claim reads the effective one with the contact.
-- 2. Endpoint health on the contact: consecutive failures, failing since, last failure / success / error, and the
--    circuit (paused_until, circuit_opens). 'operational' marks the contacts that hear the operational events
--    (contact.failing, contact.disabled, delivery.exhausted).
-- 3. The delivery log knows its event and subject (filters, recover's "newest state per subject"), and every attempt
--    gets a row in delivery_attempts, partitioned by day so retention drops whole partitions.

ALTER TABLE organizations ADD COLUMN retry_schedule_ms bigint[];

ALTER TABLE contacts
    ADD COLUMN retry_schedule_ms    bigint[],
    ADD COLUMN operational          boolean NOT NULL DEFAULT false,
    ADD COLUMN consecutive_failures int NOT NULL DEFAULT 0,
    ADD COLUMN failing_since        timestamptz,
    ADD COLUMN last_failure_at      timestamptz,
    ADD COLUMN last_success_at      timestamptz,
    ADD COLUMN last_error           text,
    ADD COLUMN paused_until         timestamptz,
    ADD COLUMN circuit_opens        int NOT NULL DEFAULT 0;

CREATE INDEX contacts_failing_idx ON contacts (failing_since) WHERE failing_since IS NOT NULL AND disabled_at IS NULL;
COMMENT ON INDEX contacts_failing_idx IS 'serves ContactHealth.DISABLE_LONG_FAILING (live contacts failing for longer than delivery.disable-after)';

ALTER TABLE deliveries
    ADD COLUMN event        text,
    ADD COLUMN subject_type text,
    ADD COLUMN subject_id   uuid;

CREATE INDEX deliveries_contact_recent_idx ON deliveries (contact_id, created_at DESC, id DESC);
COMMENT ON INDEX deliveries_contact_recent_idx IS 'serves Deliveries.LIST_BY_CONTACT and Recovery.RECOVER (a contact''s deliveries, newest first)';
CREATE INDEX deliveries_org_status_idx ON deliveries (organization_id, status, created_at DESC, id DESC);
COMMENT ON INDEX deliveries_org_status_idx IS 'serves Deliveries.LIST_BY_STATUS (an organization''s deliveries of one status, newest first)';
CREATE INDEX deliveries_org_event_idx ON deliveries (organization_id, event, created_at DESC, id DESC);
COMMENT ON INDEX deliveries_org_event_idx IS 'serves Deliveries.LIST_BY_EVENT (an organization''s deliveries of one event, newest first)';

CREATE INDEX work_units_dead_org_idx ON work_units (organization_id, finished_at) WHERE state = 'dead';
COMMENT ON INDEX work_units_dead_org_idx IS 'serves Recovery.REDRIVE_MATCHING (an organization''s dead units in a window)';

-- One row per send attempt. No foreign keys: the delivery row is written by the same ack statement, and retention
-- drops whole days.
CREATE TABLE delivery_attempts (
    delivery_id      uuid NOT NULL,
    attempt          int NOT NULL,
    organization_id  uuid NOT NULL,
    contact_id       uuid NOT NULL,
    started_at       timestamptz NOT NULL,
    duration_ms      int NOT NULL,
    outcome          text NOT NULL,
    response_code    int,
    error_class      text,
    error            text,
    response_excerpt text,
    process          text NOT NULL
) PARTITION BY RANGE (started_at);
CREATE INDEX delivery_attempts_delivery_idx ON delivery_attempts (delivery_id, attempt);
COMMENT ON INDEX delivery_attempts_delivery_idx IS 'serves Attempts.LIST_BY_DELIVERY (a delivery''s attempts in order)';

-- Creates the day partitions of delivery_attempts from p_from to p_to (inclusive, UTC days) that do not exist yet.
CREATE FUNCTION herald_attempt_partitions(p_from date, p_to date) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    d date := p_from;
    made int := 0;
    name text;
BEGIN
    WHILE d <= p_to LOOP
        name := 'delivery_attempts_' || to_char(d, 'YYYYMMDD');
        IF to_regclass(name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF delivery_attempts FOR VALUES FROM (%L) TO (%L)',
                           name, (d::timestamp AT TIME ZONE 'UTC'), ((d + 1)::timestamp AT TIME ZONE 'UTC'));
            made := made + 1;
        END IF;
        d := d + 1;
    END LOOP;
    RETURN made;
END;
$$;
COMMENT ON FUNCTION herald_attempt_partitions(date, date) IS
    'creates the missing day partitions of delivery_attempts in a range of UTC days (Retention keeps days ahead)';

SELECT herald_attempt_partitions((now() AT TIME ZONE 'UTC')::date - 1, (now() AT TIME ZONE 'UTC')::date + 7);

-- The fan-out of V80, with one change: a contact whose circuit is open (paused_until in the future) gets its new unit
-- scheduled for when the circuit half-opens, so no process claims it only to park it.
CREATE OR REPLACE FUNCTION herald_enqueue(p_org uuid, p_subject_type text, p_subject_id uuid, p_incident uuid, p_event text,
                                          p_kind text, p_severity int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_change bigint := nextval('herald_change_seq');
    v_every boolean;
    v_count int;
BEGIN
    SELECT every_change INTO v_every FROM organizations WHERE id = p_org;

    WITH targets AS (
        SELECT c.id AS contact_id, c.channel, gen_random_uuid() AS wu_id,
               greatest(now(), coalesce(c.paused_until, now())) AS run_at
        FROM contacts c
        WHERE c.organization_id = p_org AND c.disabled_at IS NULL
          AND herald_subscription_accepts(c.subscription, p_kind, p_severity)
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

-- An operational event (contact.failing, contact.disabled, delivery.exhausted) to the organization's live
-- operational contacts, except the contact it is about; an older queued event about the same subject for the same
-- contact is superseded (a contact.disabled replaces a contact.failing not yet sent).
CREATE FUNCTION herald_enqueue_operational(p_org uuid, p_subject_type text, p_subject_id uuid, p_about_contact uuid,
                                           p_event text) RETURNS int
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
COMMENT ON FUNCTION herald_enqueue_operational(uuid, text, uuid, uuid, text) IS
    'fans an operational event out to the live operational contacts of an organization (Operational.ENQUEUE)';

COMMENT ON INDEX work_units_supersede_idx IS
    'serves herald_enqueue(), herald_enqueue_operational() (older queued work of the same subject for the same contact) and WorkQueue.DEFER_CONTACT / WorkQueue.DEFER_CONTACT_UNTIL (a contact''s queued work, by its leading column)';

COMMENT ON INDEX deliveries_org_recent_idx IS
    'serves Deliveries.LIST_BY_ORG (delivery log, newest first, cursor pagination) and Retention.PRUNE_DELIVERIES (each organization''s oldest deliveries)';
