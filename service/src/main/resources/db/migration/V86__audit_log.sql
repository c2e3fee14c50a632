-- An audit log of every state-changing API call and CLI command (issue 21 item 7): who (the API key, or the CLI), what
-- (method, route template, the record's id), when, and the outcome. Never a body, a secret or a query string.
CREATE TABLE audit_log (
    id              uuid PRIMARY KEY,
    created_at      timestamptz NOT NULL DEFAULT now(),
    key_id          uuid,
    organization_id uuid,
    actor           text NOT NULL,
    method          text NOT NULL,
    route           text NOT NULL,
    record_id       text,
    status          int NOT NULL,
    outcome         text NOT NULL CHECK (outcome IN ('ok', 'refused', 'failed'))
);
CREATE INDEX audit_log_recent_idx ON audit_log (created_at DESC, id DESC);
COMMENT ON INDEX audit_log_recent_idx IS 'serves AuditLog.LIST (newest first) and AuditLog.PRUNE (entries past retention.deliveries)';
CREATE INDEX audit_log_org_recent_idx ON audit_log (organization_id, created_at DESC, id DESC);
COMMENT ON INDEX audit_log_org_recent_idx IS 'serves AuditLog.LIST_BY_ORG (one organization''s entries, newest first)';
