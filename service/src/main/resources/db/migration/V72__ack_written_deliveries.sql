-- Delivery rows are now written once, by the ack of their work unit's first outcome (Queue.COMPLETE, an upsert), under
-- an id derived from the unit; the claim only reads the row an earlier attempt recorded.
COMMENT ON INDEX deliveries_idempotency_idx IS
    'serves Queue.CLAIM_FOR_DELIVERY (the delivery row an earlier attempt recorded) and Queue.COMPLETE (ON CONFLICT): one delivery per (work unit, contact), whatever process records it';
