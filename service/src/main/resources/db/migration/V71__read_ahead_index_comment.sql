-- The read-ahead (ContextReadAhead) looks at the same ready units, in the same order, as the claims.
COMMENT ON INDEX work_units_ready_idx IS 'serves Queue.CLAIM and Queue.CLAIM_FOR_DELIVERY (queued work whose run_at has come, oldest first, FOR UPDATE SKIP LOCKED) and Queue.PEEK_READY (the same units, next in line, read without claiming for the context read-ahead)';
