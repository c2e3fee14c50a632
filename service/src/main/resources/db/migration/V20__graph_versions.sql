-- Coherence of the in-memory dependency graph snapshots across processes.
-- Every change to dependencies (insert, update, soft delete, delete, truncate; from the API, an import or psql) bumps
-- the version of each touched organization IN THE SAME TRANSACTION, so a process compares its snapshot's version with
-- this row (one primary-key read) before using it and reloads when they differ. Versions come from one global sequence,
-- never reused, so an organization whose rows were dropped and recreated can never match an old snapshot by accident.
-- Statement-level triggers: a COPY of 150,000 edges bumps each organization once, not once per row.
-- NOTIFY herald_graph (payload: the organization id, or '*' after a truncate) is only a hint to reload early.

CREATE SEQUENCE graph_version_seq;

CREATE TABLE graph_versions (
    organization_id  uuid PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
    version          bigint NOT NULL
);
COMMENT ON TABLE graph_versions IS 'per-organization version of the live dependency edges; read by Graph.VERSION before a snapshot serves';

CREATE FUNCTION graph_bump(orgs uuid[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    org uuid;
BEGIN
    -- sorted, so that concurrent writers touching several organizations lock the version rows in one order
    FOR org IN SELECT DISTINCT o FROM unnest(orgs) o WHERE o IS NOT NULL ORDER BY o LOOP
        INSERT INTO graph_versions (organization_id, version) VALUES (org, nextval('graph_version_seq'))
        ON CONFLICT (organization_id) DO UPDATE SET version = EXCLUDED.version;
        PERFORM pg_notify('herald_graph', org::text);
    END LOOP;
END $$;

CREATE FUNCTION graph_bump_versions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        UPDATE graph_versions SET version = nextval('graph_version_seq');
        PERFORM pg_notify('herald_graph', '*');
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM graph_bump(ARRAY(SELECT DISTINCT organization_id FROM new_rows));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM graph_bump(ARRAY(SELECT organization_id FROM new_rows UNION SELECT organization_id FROM old_rows));
    ELSE
        PERFORM graph_bump(ARRAY(SELECT DISTINCT organization_id FROM old_rows));
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER dependencies_version_ins AFTER INSERT ON dependencies
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION graph_bump_versions();
CREATE TRIGGER dependencies_version_upd AFTER UPDATE ON dependencies
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION graph_bump_versions();
CREATE TRIGGER dependencies_version_del AFTER DELETE ON dependencies
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION graph_bump_versions();
CREATE TRIGGER dependencies_version_trunc AFTER TRUNCATE ON dependencies
    FOR EACH STATEMENT EXECUTE FUNCTION graph_bump_versions();
