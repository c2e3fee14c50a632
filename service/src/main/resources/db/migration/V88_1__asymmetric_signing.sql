-- Asymmetric webhook signing (Standard Webhooks v1a, Ed25519) for customers who cannot hold a shared secret: such a
-- contact's secret column holds its private signing key (whsk_..., written once, never answered, rotated like a secret)
-- and public_key the key the customer verifies with (whpk_..., readable). NULL for HMAC (v1) contacts.
ALTER TABLE contacts ADD COLUMN public_key text;
