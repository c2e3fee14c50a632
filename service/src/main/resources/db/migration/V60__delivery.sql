-- Delivery: listing every contact of an organization (live and disabled) and per-organization template overrides.

CREATE INDEX contacts_org_all_idx ON contacts (organization_id, created_at, id);
COMMENT ON INDEX contacts_org_all_idx IS 'serves Contacts.LIST_BY_ORG, Contacts.LIST_BY_ORG_COUNTED and Contacts.COUNT_BY_ORG (every contact, disabled ones too, cursor by created_at, id)';

-- An organization's template overrides; a missing row means the shipped default.
CREATE TABLE templates (
    organization_id  uuid NOT NULL REFERENCES organizations(id),
    name             text NOT NULL CHECK (name IN ('webhook_body', 'email_subject', 'email_text', 'email_html')),
    body             text NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, name)
);
COMMENT ON INDEX templates_pkey IS 'serves Templates.LOAD_ORG (every override of an organization), Templates.FIND and Templates.UPSERT';
