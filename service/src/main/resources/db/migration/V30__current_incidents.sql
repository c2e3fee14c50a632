-- The current-incidents view: one stored entry per open, live incident, kept current WRITE-THROUGH by statement-level
-- triggers on every source table, in the same transaction as the write, whoever writes (API, import, seed, psql).
--
--   current_incidents_fresh      the definition: one row per open incident, each relationship aggregated by its own
--                                LATERAL subquery (no cross products). Everything else derives from it.
--   current_incidents            the stored view; entry NULL is a tombstone (resolved / deleted) kept so that a cache
--                                can catch up with "what changed since version v" in one indexed query.
--   current_incidents_versions   one counter per organization, bumped (under its row lock) by every change of one of
--                                the organization's entries. Writers of one organization serialize on it, so versions
--                                grow in commit order and "version > v" never misses a change.
--
-- Concurrency: a trigger first locks the organization's counter row, then (in READ COMMITTED, with a fresh snapshot
-- per statement of the volatile trigger function) finds the affected incidents and recomputes them. Two concurrent
-- writers of one organization therefore recompute one after the other, the second seeing the first's committed
-- changes: no lost update of an entry. Under REPEATABLE READ the second writer gets a serialization failure instead.
-- Every committed change sends NOTIFY current_incidents '{"organization_id","version","incident_ids"?}' as a hint.

CREATE TABLE current_incidents_versions (
    organization_id  uuid PRIMARY KEY REFERENCES organizations(id),
    version          bigint NOT NULL
);
COMMENT ON TABLE current_incidents_versions IS 'per-organization version of the current-incidents view (bumped under row lock, commit-ordered)';

CREATE TABLE current_incidents (
    incident_id      uuid PRIMARY KEY,
    organization_id  uuid NOT NULL,
    version          bigint NOT NULL,
    entry            jsonb,
    updated_at       timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE current_incidents IS 'stored current-incidents view, maintained by triggers; entry NULL = removed (tombstone)';
CREATE INDEX current_incidents_org_version_idx ON current_incidents (organization_id, version);
COMMENT ON INDEX current_incidents_org_version_idx IS 'serves CurrentIncidentsStore.CHANGES_SINCE (entries of an organization changed after a cached version)';
CREATE INDEX current_incidents_org_live_idx ON current_incidents (organization_id, incident_id) WHERE entry IS NOT NULL;
COMMENT ON INDEX current_incidents_org_live_idx IS 'serves CurrentIncidentsStore.LOAD_ORG and current_incidents_rebuild (the live entries of an organization)';

-- Timestamps as fixed UTC text, so an entry does not depend on the writing session's TimeZone.
CREATE FUNCTION current_incidents_ts(t timestamptz) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') $$;

CREATE FUNCTION current_incidents_location(l locations) RETURNS jsonb LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN l.id IS NULL THEN NULL ELSE jsonb_build_object('id', l.id, 'lat', l.lat, 'lon', l.lon,
        'thoroughfare', l.thoroughfare, 'locality', l.locality, 'region', l.region, 'postcode', l.postcode) END $$;

CREATE VIEW current_incidents_fresh AS
SELECT i.organization_id, i.id AS incident_id,
       jsonb_build_object(
           'incident', jsonb_build_object('id', i.id, 'organization_id', i.organization_id, 'kind', i.kind,
               'status', i.status, 'severity', i.severity, 'title', i.title,
               'started_at', current_incidents_ts(i.started_at), 'updated_at', current_incidents_ts(i.updated_at),
               'version', i.version, 'location', loc.location),
           'outages', o.outages,
           'internet_outages', io.internet_outages,
           'assets', a.assets,
           'intel_requests', r.intel_requests,
           'parent_intel_requests', p.parent_intel_requests) AS entry
FROM incidents i
CROSS JOIN LATERAL (
    SELECT (SELECT current_incidents_location(l) FROM locations l
            WHERE l.id = i.location_id AND l.deleted_at IS NULL) AS location) loc
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
COMMENT ON VIEW current_incidents_fresh IS 'the current-incidents view computed from the source tables: one row per open incident (LATERAL aggregation)';

-- Locks the counter rows of the given organizations (creating them), in id order so that writers never deadlock here.
CREATE FUNCTION current_incidents_lock(orgs uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF orgs IS NULL OR cardinality(orgs) = 0 THEN RETURN; END IF;
    INSERT INTO current_incidents_versions (organization_id, version)
    SELECT DISTINCT o, 0 FROM unnest(orgs) o WHERE o IS NOT NULL ORDER BY 1 ON CONFLICT DO NOTHING;
    PERFORM 1 FROM current_incidents_versions WHERE organization_id = ANY (orgs) ORDER BY organization_id FOR UPDATE;
END $$;

-- Recomputes the entries of the given incidents; writes (and versions, and announces) only those that changed.
CREATE FUNCTION current_incidents_refresh(ids uuid[]) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    n integer := 0;
    c record;
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN RETURN 0; END IF;
    PERFORM current_incidents_lock(ARRAY(SELECT DISTINCT organization_id FROM incidents WHERE id = ANY (ids)));
    FOR c IN
        WITH wanted AS (SELECT DISTINCT u AS id FROM unnest(ids) u WHERE u IS NOT NULL),
        fresh AS (SELECT f.organization_id, f.incident_id, f.entry FROM current_incidents_fresh f WHERE f.incident_id = ANY (ids)),
        changed AS (
            SELECT coalesce(f.organization_id, s.organization_id) AS organization_id, w.id AS incident_id, f.entry
            FROM wanted w
            LEFT JOIN fresh f ON f.incident_id = w.id
            LEFT JOIN current_incidents s ON s.incident_id = w.id
            WHERE (f.entry IS NOT NULL OR s.entry IS NOT NULL) AND f.entry IS DISTINCT FROM s.entry),
        bumped AS (
            UPDATE current_incidents_versions v SET version = v.version + 1
            WHERE v.organization_id IN (SELECT organization_id FROM changed)
            RETURNING v.organization_id, v.version),
        written AS (
            INSERT INTO current_incidents AS s (incident_id, organization_id, version, entry, updated_at)
            SELECT ch.incident_id, ch.organization_id, b.version, ch.entry, clock_timestamp()
            FROM changed ch JOIN bumped b USING (organization_id)
            ON CONFLICT (incident_id) DO UPDATE SET organization_id = excluded.organization_id,
                version = excluded.version, entry = excluded.entry, updated_at = excluded.updated_at
            RETURNING s.organization_id, s.incident_id, s.version)
        SELECT organization_id, max(version) AS version, array_agg(incident_id ORDER BY incident_id) AS incident_ids
        FROM written GROUP BY organization_id
    LOOP
        n := n + cardinality(c.incident_ids);
        PERFORM pg_notify('current_incidents', json_build_object('organization_id', c.organization_id,
            'version', c.version,
            'incident_ids', CASE WHEN cardinality(c.incident_ids) <= 100 THEN c.incident_ids END)::text);
    END LOOP;
    RETURN n;
END $$;

-- Recomputes an organization's whole view from the source tables in one statement and repairs the stored view;
-- returns the number of entries it changed (0 when the stored view was right). The seed loader calls it after COPY.
CREATE FUNCTION current_incidents_rebuild(org uuid) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    n integer;
    v bigint;
BEGIN
    PERFORM current_incidents_lock(ARRAY[org]);
    WITH fresh AS (SELECT incident_id, entry FROM current_incidents_fresh WHERE organization_id = org),
    stored AS (SELECT incident_id, entry FROM current_incidents WHERE organization_id = org AND entry IS NOT NULL),
    changed AS (
        SELECT coalesce(f.incident_id, s.incident_id) AS incident_id, f.entry
        FROM fresh f FULL JOIN stored s ON s.incident_id = f.incident_id
        WHERE f.entry IS DISTINCT FROM s.entry),
    bumped AS (
        UPDATE current_incidents_versions SET version = version + 1
        WHERE organization_id = org AND EXISTS (SELECT 1 FROM changed)
        RETURNING version),
    written AS (
        INSERT INTO current_incidents AS s (incident_id, organization_id, version, entry, updated_at)
        SELECT ch.incident_id, org, b.version, ch.entry, clock_timestamp() FROM changed ch CROSS JOIN bumped b
        ON CONFLICT (incident_id) DO UPDATE SET organization_id = excluded.organization_id,
            version = excluded.version, entry = excluded.entry, updated_at = excluded.updated_at
        RETURNING s.version)
    SELECT count(*), max(version) INTO n, v FROM written;
    IF n > 0 THEN
        PERFORM pg_notify('current_incidents', json_build_object('organization_id', org, 'version', v)::text);
    END IF;
    RETURN n;
END $$;

-- The incidents whose entries a change of rows of one source table can affect. r = the changed rows (old and new).
CREATE FUNCTION current_incidents_affected_sql(tbl text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
SELECT CASE tbl
    WHEN 'incidents' THEN 'SELECT r.id FROM r'
    WHEN 'outages' THEN 'SELECT r.incident_id FROM r'
    WHEN 'internet_outages' THEN 'SELECT r.incident_id FROM r'
    WHEN 'locations' THEN
        'SELECT i.id FROM r JOIN incidents i ON i.location_id = r.id AND i.deleted_at IS NULL
         UNION SELECT o.incident_id FROM r JOIN outages o ON o.location_id = r.id AND o.deleted_at IS NULL'
    WHEN 'assets' THEN
        'SELECT d.blocker_id FROM r JOIN dependencies d ON d.dependent_type = ''asset'' AND d.dependent_id = r.id
             AND d.blocker_type = ''incident'' AND d.deleted IS NULL'
    WHEN 'intel_requests' THEN
        'SELECT d.blocker_id FROM (SELECT r.id FROM r
                                   UNION SELECT c.id FROM r JOIN intel_requests c ON c.parent_id = r.id AND c.deleted_at IS NULL) x
         JOIN dependencies d ON d.dependent_type = ''intel_request'' AND d.dependent_id = x.id
             AND d.blocker_type = ''incident'' AND d.deleted IS NULL'
    WHEN 'dependencies' THEN
        'SELECT r.blocker_id FROM r WHERE r.blocker_type = ''incident'' AND r.dependent_type IN (''asset'', ''intel_request'')'
    END
$$;

-- The one trigger function of every source table (statement level, transition tables old_rows / new_rows).
CREATE FUNCTION current_incidents_on_write() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r_sql text := CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT * FROM new_rows'
        WHEN 'DELETE' THEN 'SELECT * FROM old_rows'
        ELSE 'SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows' END;
    orgs uuid[];
    ids uuid[];
BEGIN
    EXECUTE 'WITH r AS (' || r_sql || ') SELECT array_agg(DISTINCT organization_id) FROM r' INTO orgs;
    IF orgs IS NULL THEN RETURN NULL; END IF;
    PERFORM current_incidents_lock(orgs);   -- before finding what is affected: a fresh snapshot after the lock
    EXECUTE 'WITH r AS (' || r_sql || ') SELECT array_agg(DISTINCT x) FROM ('
        || current_incidents_affected_sql(TG_TABLE_NAME) || ') AS a(x)' INTO ids;
    PERFORM current_incidents_refresh(ids);
    RETURN NULL;
END $$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['incidents', 'outages', 'internet_outages', 'locations', 'assets', 'intel_requests', 'dependencies'] LOOP
        EXECUTE format('CREATE TRIGGER current_incidents_ins AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows '
            'FOR EACH STATEMENT EXECUTE FUNCTION current_incidents_on_write()', t);
        EXECUTE format('CREATE TRIGGER current_incidents_upd AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
            'FOR EACH STATEMENT EXECUTE FUNCTION current_incidents_on_write()', t);
        EXECUTE format('CREATE TRIGGER current_incidents_del AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows '
            'FOR EACH STATEMENT EXECUTE FUNCTION current_incidents_on_write()', t);
    END LOOP;
END $$;
