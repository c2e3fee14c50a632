-- Delivery rows are now created with the claim of their work unit (Queue.CLAIM_FOR_DELIVERY) and recorded with its
-- ack (Queue.COMPLETE): one statement per batch for each instead of one commit per unit.
COMMENT ON INDEX deliveries_idempotency_idx IS
    'serves Queue.CLAIM_FOR_DELIVERY (ON CONFLICT): one delivery per (work unit, contact), whatever process claims it';
