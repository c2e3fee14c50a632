-- API keys that can be revoked, expire, and do only what they are for (issue 21 item 6).
-- scope: read (GET only), write (the organization's records), admin (every organization; the old is_admin keys).
-- A revocation is announced on herald_api_keys so every process drops its cached keys at once.
ALTER TABLE api_keys
    ADD COLUMN scope      text NOT NULL DEFAULT 'write' CHECK (scope IN ('read', 'write', 'admin')),
    ADD COLUMN expires_at timestamptz;
UPDATE api_keys SET scope = 'admin' WHERE is_admin;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_admin_scope CHECK ((scope = 'admin') = is_admin);

CREATE INDEX api_keys_org_idx ON api_keys (organization_id, created_at, id);
COMMENT ON INDEX api_keys_org_idx IS 'serves ApiKeys.LIST_BY_ORG (an organization''s keys, oldest first)';
