/**
 * The event catalog: every event type Herald sends, with a description, a JSON Schema (2020-12) of its {@code data}
 * and an example ({@link dev.herald.events.EventCatalog}, served at {@code GET /event-types}), and the rules of a type
 * pattern a subscription names ({@code incident.opened}, {@code incident.*}, {@code *}). Every webhook body is the
 * Standard Webhooks envelope {@code {"type", "timestamp", "data"}}; the tests validate what Herald emits against these
 * schemas. Owns no table: the types are emitted by the SQL triggers of the features and by the pipeline.
 */
package dev.herald.events;
