-- Idempotent writes for the systems that feed Herald (issue 17 item 6): a POST or PATCH with an Idempotency-Key is
-- run once per (organization, key) within api.idempotency-ttl; a repeat with the same request answers the first
-- response again, with another request 422. scope_id is the caller's organization (an admin key's own id).
CREATE TABLE idempotency_keys (
    scope_id      uuid NOT NULL,
    idem_key      text NOT NULL CHECK (length(idem_key) BETWEEN 1 AND 255),
    request_hash  bytea NOT NULL,
    status        int,
    response      text,
    content_type  text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    completed_at  timestamptz,
    PRIMARY KEY (scope_id, idem_key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
COMMENT ON INDEX idempotency_keys_created_idx IS 'serves Idempotency.PRUNE (keys older than api.idempotency-ttl)';
