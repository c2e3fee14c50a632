/**
 * Impact: which open incident reaches which asset or intel request of an organization, through what path, until when
 * (tables {@code impact_reach}, {@code impact_subjects}; the function {@code impact_default_max_distance()}), and the ordered, durable log of the
 * impact events each change produced ({@code impact_events}: impact.started / updated / ended / cleared, schemas in
 * {@code dev/herald/events/catalog}). Triggers record what changed in the writer's own transaction ({@code
 * impact_changes}, V93), so every writer is covered and pays only that insert; the applier of each process running
 * consumers ({@link dev.herald.impact.Impact#startApplier}) applies the records incrementally (V89's recompute) right
 * after, woken by a notification. This package owns those tables, the rebuild after a load that skipped triggers ({@link
 * dev.herald.impact.Impact#rebuild}), the scope predicate ({@link dev.herald.impact.ImpactScope}, SQL
 * {@code impact_in_scope}) and the routes {@code GET /impact} and {@code GET /assets/{id}/impact}.
 */
package dev.herald.impact;
