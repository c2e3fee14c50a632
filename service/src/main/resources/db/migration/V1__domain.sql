-- Herald domain schema. Every table carries organization_id: each API key sees one organization,
-- and every query is scoped by it. Soft deletes use a nullable timestamp (deleted / deleted_at);
-- indexes on live rows are partial (WHERE deleted... IS NULL). Each index comment names the query it serves.

CREATE TABLE organizations (
    id               uuid PRIMARY KEY,
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    max_distance     int  CHECK (max_distance IS NULL OR max_distance BETWEEN 1 AND 100),
    every_change     boolean NOT NULL DEFAULT false,
    settings         jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    id               uuid PRIMARY KEY,
    organization_id  uuid REFERENCES organizations(id),
    is_admin         boolean NOT NULL DEFAULT false,
    key_hash         bytea NOT NULL,
    key_prefix       text NOT NULL,
    label            text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    revoked_at       timestamptz,
    CHECK (is_admin OR organization_id IS NOT NULL)
);
CREATE UNIQUE INDEX api_keys_hash_live_idx ON api_keys (key_hash) WHERE revoked_at IS NULL;
COMMENT ON INDEX api_keys_hash_live_idx IS 'serves ApiKeys.AUTHENTICATE: find the live key by its SHA-256 hash';

CREATE TABLE contacts (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations(id),
    channel          text NOT NULL CHECK (channel IN ('webhook', 'email')),
    target           text NOT NULL,
    secret           text,                       -- webhook signing secret (whsec_...); write-only through the API
    outbound_auth    jsonb,                      -- static headers or OAuth2 client credentials; never returned
    throttle         jsonb NOT NULL DEFAULT '{}'::jsonb,
    subscription     jsonb NOT NULL DEFAULT '{}'::jsonb,  -- {"kinds": [...], "min_severity": n}; empty = everything
    disabled_at      timestamptz,
    disabled_reason  text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (channel <> 'webhook' OR secret IS NOT NULL)
);
CREATE INDEX contacts_org_live_idx ON contacts (organization_id, created_at, id) WHERE disabled_at IS NULL;
COMMENT ON INDEX contacts_org_live_idx IS 'serves Contacts.LIST_BY_ORG and the fan-out of an event to the live contacts of an organization';

CREATE TABLE locations (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations(id),
    lat              double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon              double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
    thoroughfare     text,
    locality         text,
    region           text,
    postcode         text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    deleted_at       timestamptz
);
CREATE INDEX locations_org_idx ON locations (organization_id, id) WHERE deleted_at IS NULL;
COMMENT ON INDEX locations_org_idx IS 'serves Locations.LIST_BY_ORG (cursor pagination by id)';

CREATE TABLE asset_types (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations(id),
    name             text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    deleted_at       timestamptz
);
CREATE UNIQUE INDEX asset_types_org_name_idx ON asset_types (organization_id, name) WHERE deleted_at IS NULL;
COMMENT ON INDEX asset_types_org_name_idx IS 'serves AssetTypes.FIND_BY_NAME and keeps live type names unique per organization';

CREATE TABLE assets (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations(id),
    asset_type_id    uuid NOT NULL REFERENCES asset_types(id),
    location_id      uuid NOT NULL REFERENCES locations(id),
    name             text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    deleted_at       timestamptz
);
CREATE INDEX assets_org_idx ON assets (organization_id, id) WHERE deleted_at IS NULL;
COMMENT ON INDEX assets_org_idx IS 'serves Assets.LIST_BY_ORG (cursor pagination by id)';
CREATE INDEX assets_location_idx ON assets (location_id) WHERE deleted_at IS NULL;
COMMENT ON INDEX assets_location_idx IS 'serves the current-incidents view: assets at a changed location';

CREATE TABLE incidents (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations(id),
    location_id      uuid NOT NULL REFERENCES locations(id),
    kind             text NOT NULL CHECK (kind IN ('power', 'internet', 'other')),
    status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    severity         int  NOT NULL CHECK (severity BETWEEN 1 AND 5),
    title            text,
    started_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    resolved_at      timestamptz,
    deleted_at       timestamptz,
    version          bigint NOT NULL DEFAULT 1,
    CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
);
CREATE INDEX incidents_org_open_idx ON incidents (organization_id, id) WHERE status = 'open' AND deleted_at IS NULL;
COMMENT ON INDEX incidents_org_open_idx IS 'serves CurrentIncidents.RECOMPUTE_ORG and Incidents.LIST_OPEN (open, live incidents of an organization)';
CREATE INDEX incidents_org_idx ON incidents (organization_id, id) WHERE deleted_at IS NULL;
COMMENT ON INDEX incidents_org_idx IS 'serves Incidents.LIST_BY_ORG (cursor pagination by id)';
CREATE INDEX incidents_location_idx ON incidents (location_id) WHERE deleted_at IS NULL;
COMMENT ON INDEX incidents_location_idx IS 'serves the current-incidents view: incidents at a changed location';

CREATE TABLE outages (
    id                    uuid PRIMARY KEY,
    organization_id       uuid NOT NULL REFERENCES organizations(id),
    incident_id           uuid NOT NULL REFERENCES incidents(id),
    location_id           uuid REFERENCES locations(id),
    utility               text NOT NULL,
    customers_affected    int CHECK (customers_affected IS NULL OR customers_affected >= 0),
    estimated_restoration timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    deleted_at            timestamptz
);
CREATE INDEX outages_incident_idx ON outages (incident_id) WHERE deleted_at IS NULL;
COMMENT ON INDEX outages_incident_idx IS 'serves CurrentIncidents.RECOMPUTE (LATERAL outages of an incident) and the outage list of an incident';
CREATE INDEX outages_location_idx ON outages (location_id) WHERE deleted_at IS NULL;
COMMENT ON INDEX outages_location_idx IS 'serves the current-incidents view: outages at a changed location';

CREATE TABLE internet_outages (
    id                    uuid PRIMARY KEY,
    organization_id       uuid NOT NULL REFERENCES organizations(id),
    incident_id           uuid NOT NULL REFERENCES incidents(id),
    provider              text NOT NULL,
    service               text,
    started_at            timestamptz NOT NULL DEFAULT now(),
    estimated_restoration timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    deleted_at            timestamptz
);
CREATE INDEX internet_outages_incident_idx ON internet_outages (incident_id) WHERE deleted_at IS NULL;
COMMENT ON INDEX internet_outages_incident_idx IS 'serves CurrentIncidents.RECOMPUTE (LATERAL internet outages of an incident)';

CREATE TABLE intel_requests (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations(id),
    parent_id        uuid REFERENCES intel_requests(id),
    question         text NOT NULL,
    status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'closed')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    deleted_at       timestamptz
);
CREATE INDEX intel_requests_org_idx ON intel_requests (organization_id, id) WHERE deleted_at IS NULL;
COMMENT ON INDEX intel_requests_org_idx IS 'serves IntelRequests.LIST_BY_ORG (cursor pagination by id)';
CREATE INDEX intel_requests_parent_idx ON intel_requests (parent_id) WHERE deleted_at IS NULL;
COMMENT ON INDEX intel_requests_parent_idx IS 'serves IntelRequests.CHILDREN (child intel requests of a parent)';

-- Typed edges blocker -> dependent. Soft delete by "deleted". No foreign keys: an edge names records of five tables;
-- the application checks that both ends exist in the caller's organization before inserting.
CREATE TABLE dependencies (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations(id),
    blocker_type     text NOT NULL CHECK (blocker_type IN ('incident', 'intel_request', 'asset', 'outage', 'internet_outage')),
    blocker_id       uuid NOT NULL,
    dependent_type   text NOT NULL CHECK (dependent_type IN ('incident', 'intel_request', 'asset', 'outage', 'internet_outage')),
    dependent_id     uuid NOT NULL,
    created          timestamptz NOT NULL DEFAULT now(),
    deleted          timestamptz,
    CHECK (blocker_id <> dependent_id)
);
CREATE UNIQUE INDEX dependencies_blocker_live_idx
    ON dependencies (blocker_type, blocker_id, dependent_type, dependent_id) WHERE deleted IS NULL;
COMMENT ON INDEX dependencies_blocker_live_idx IS 'serves Dependencies.DIRECT_DEPENDENTS and each step of Graph.RESOLVE_DEPENDENTS (index-only); keeps live edges unique';
CREATE INDEX dependencies_dependent_live_idx
    ON dependencies (dependent_type, dependent_id, blocker_type, blocker_id) WHERE deleted IS NULL;
COMMENT ON INDEX dependencies_dependent_live_idx IS 'serves Dependencies.DIRECT_BLOCKERS and each step of Graph.RESOLVE_BLOCKERS (index-only)';
CREATE INDEX dependencies_org_live_idx ON dependencies (organization_id) WHERE deleted IS NULL;
COMMENT ON INDEX dependencies_org_live_idx IS 'serves Graph.LOAD_ORG_EDGES (the in-memory adjacency snapshot of one organization)';

-- Transactional outbox: a change and its outbox row commit together; a relay turns rows into work units.
CREATE TABLE outbox (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations(id),
    subject_type     text NOT NULL,
    subject_id       uuid NOT NULL,
    event            text NOT NULL,
    payload          jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at       timestamptz NOT NULL DEFAULT now(),
    processed_at     timestamptz
);
CREATE INDEX outbox_pending_idx ON outbox (id) WHERE processed_at IS NULL;
COMMENT ON INDEX outbox_pending_idx IS 'serves Outbox.CLAIM_PENDING (oldest unprocessed changes first)';

-- One notification job: (organization, subject, event, contact).
CREATE TABLE work_units (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations(id),
    subject_type     text NOT NULL,
    subject_id       uuid NOT NULL,
    incident_id      uuid,
    event            text NOT NULL,
    contact_id       uuid NOT NULL REFERENCES contacts(id),
    channel          text NOT NULL CHECK (channel IN ('webhook', 'email')),
    fingerprint      text,
    state            text NOT NULL DEFAULT 'queued'
                     CHECK (state IN ('queued', 'running', 'done', 'dead', 'superseded', 'throttled', 'failed')),
    attempts         int NOT NULL DEFAULT 0,
    max_attempts     int NOT NULL DEFAULT 8,
    run_at           timestamptz NOT NULL DEFAULT now(),
    lease_until      timestamptz,
    leased_by        text,
    last_error       text,
    timings          jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz
);
CREATE INDEX work_units_ready_idx ON work_units (run_at) WHERE state = 'queued';
COMMENT ON INDEX work_units_ready_idx IS 'serves Queue.CLAIM (queued work whose run_at has come, oldest first, FOR UPDATE SKIP LOCKED)';
CREATE INDEX work_units_lease_idx ON work_units (lease_until) WHERE state = 'running';
COMMENT ON INDEX work_units_lease_idx IS 'serves Queue.RECLAIM_EXPIRED (running work whose lease ran out)';
CREATE INDEX work_units_supersede_idx ON work_units (contact_id, subject_type, subject_id) WHERE state = 'queued';
COMMENT ON INDEX work_units_supersede_idx IS 'serves Queue.SUPERSEDE (older queued work of the same subject for the same contact)';
CREATE INDEX work_units_dead_idx ON work_units (organization_id, updated_at) WHERE state = 'dead';
COMMENT ON INDEX work_units_dead_idx IS 'serves Queue.LIST_DEAD and the dead-count gauge';

-- One attempt-tracked send of a work unit to one contact. id is the webhook-id, stable across retries.
CREATE TABLE deliveries (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations(id),
    work_unit_id     uuid NOT NULL,
    contact_id       uuid NOT NULL REFERENCES contacts(id),
    idempotency_key  text NOT NULL,
    channel          text NOT NULL,
    status           text NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'throttled', 'superseded')),
    attempts         int NOT NULL DEFAULT 0,
    response_code    int,
    error            text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz
);
CREATE UNIQUE INDEX deliveries_idempotency_idx ON deliveries (idempotency_key);
COMMENT ON INDEX deliveries_idempotency_idx IS 'serves Deliveries.CLAIM_KEY: one delivery per (work unit, contact), whatever process sends it';
CREATE INDEX deliveries_org_recent_idx ON deliveries (organization_id, created_at DESC, id DESC);
COMMENT ON INDEX deliveries_org_recent_idx IS 'serves Deliveries.LIST_BY_ORG (delivery log, newest first, cursor pagination)';
