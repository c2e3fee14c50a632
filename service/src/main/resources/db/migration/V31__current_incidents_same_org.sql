-- Writes that would break the current-incidents view are refused by the database, whoever writes: an outage,
-- internet outage or incident may only point at records of ITS OWN organization (V1's foreign keys check existence
-- only), so an entry can never show another tenant's rows. Violations raise 23503 (foreign_key_violation); the API
-- answers 422. Nullable references (outages.location_id) are checked only when set (MATCH SIMPLE).

ALTER TABLE locations ADD CONSTRAINT locations_id_org_key UNIQUE (id, organization_id);
COMMENT ON INDEX locations_id_org_key IS 'serves the same-organization foreign keys of incidents and outages to locations';
ALTER TABLE incidents ADD CONSTRAINT incidents_id_org_key UNIQUE (id, organization_id);
COMMENT ON INDEX incidents_id_org_key IS 'serves the same-organization foreign keys of outages and internet outages to incidents';

ALTER TABLE incidents ADD CONSTRAINT incidents_location_same_org
    FOREIGN KEY (location_id, organization_id) REFERENCES locations (id, organization_id);
ALTER TABLE outages ADD CONSTRAINT outages_incident_same_org
    FOREIGN KEY (incident_id, organization_id) REFERENCES incidents (id, organization_id);
ALTER TABLE outages ADD CONSTRAINT outages_location_same_org
    FOREIGN KEY (location_id, organization_id) REFERENCES locations (id, organization_id);
ALTER TABLE internet_outages ADD CONSTRAINT internet_outages_incident_same_org
    FOREIGN KEY (incident_id, organization_id) REFERENCES incidents (id, organization_id);
