-- Record API: the one list that had no index ordered by (organization_id, id).
CREATE INDEX asset_types_org_idx ON asset_types (organization_id, id) WHERE deleted_at IS NULL;
COMMENT ON INDEX asset_types_org_idx IS 'serves AssetTypes.LIST_BY_ORG (cursor pagination by id)';
