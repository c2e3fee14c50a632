-- Contacts customers manage themselves (issue 17): a name and description, soft deletion, a rotated secret that stays
-- valid for delivery.secret-overlap (every webhook carries both signatures meanwhile), and a per-contact rate limit.
-- A deleted contact's queued units are cancelled: a new final state that says why.

ALTER TABLE contacts
    ADD COLUMN name                  text CHECK (name IS NULL OR length(name) BETWEEN 1 AND 200),
    ADD COLUMN description           text CHECK (description IS NULL OR length(description) <= 2000),
    ADD COLUMN deleted_at            timestamptz,
    ADD COLUMN previous_secret       text,
    ADD COLUMN previous_secret_until timestamptz,
    ADD COLUMN rate_limit            jsonb;

ALTER TABLE work_units DROP CONSTRAINT work_units_state_check;
ALTER TABLE work_units ADD CONSTRAINT work_units_state_check
    CHECK (state IN ('queued', 'running', 'done', 'dead', 'superseded', 'throttled', 'failed', 'cancelled'));
ALTER TABLE work_units_done DROP CONSTRAINT work_units_state_check;
ALTER TABLE work_units_done ADD CONSTRAINT work_units_state_check
    CHECK (state IN ('queued', 'running', 'done', 'dead', 'superseded', 'throttled', 'failed', 'cancelled'));

-- The queue's side of deleting a contact: its queued units end as cancelled, saying why (Contacts.DELETE calls it in
-- the same transaction). Running units finish their attempt; the claim sees the contact disabled and sends nothing more.
CREATE FUNCTION herald_cancel_queued(p_contact uuid, p_reason text) RETURNS int
LANGUAGE sql AS $$
    WITH c AS (
        UPDATE work_units SET state = 'cancelled', last_error = p_reason, finished_at = now(), updated_at = now()
        WHERE contact_id = p_contact AND state = 'queued'
        RETURNING id)
    SELECT count(*)::int FROM c
$$;
COMMENT ON FUNCTION herald_cancel_queued(uuid, text) IS
    'cancels the queued work units of a deleted contact (Contacts.DELETE), through work_units_supersede_idx';

-- Cancelled work is finished work: the prune moves it like the rest (its partial index includes the new state).
DROP INDEX work_units_finished_idx;
CREATE INDEX work_units_finished_idx ON work_units (finished_at)
    WHERE state IN ('done', 'superseded', 'throttled', 'failed', 'cancelled');
COMMENT ON INDEX work_units_finished_idx IS 'serves WorkQueue.MOVE_FINISHED (finished work moved to work_units_done)';
