-- The current-incidents refresh runs inside every write of a source table, under the organization's version lock
-- (current_incidents_lock), so its cost is paid by every other writer of the organization waiting for that lock.
-- Its one big statement (the LATERAL view for the changed incidents) was re-planned at every call: PL/pgSQL kept
-- choosing custom plans for the ids parameter, and planning the view cost ~2.4 ms against ~0.6 ms to run it. One generic
-- plan, made once per connection, is as good for the few ids a write changes (index lookups per id) and makes a
-- one-incident UPDATE 1.5 ms instead of 4.0 ms (bench-results/NOTES.md; ./herald bench latency --statements).
ALTER FUNCTION current_incidents_refresh(uuid[]) SET plan_cache_mode = force_generic_plan;
