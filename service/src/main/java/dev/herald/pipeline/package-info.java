/**
 * The notification pipeline: work units (the {@code work_units}, {@code work_units_done} and {@code deliveries}
 * tables), the PostgreSQL queue (claim with SKIP LOCKED, lease and heartbeat, group-committed ack:
 * {@link dev.herald.pipeline.WorkQueue}), the consumers, context assembly and read-ahead, and the delivery log
 * ({@code GET /deliveries}, {@code GET /work-units/{id}}). {@link dev.herald.pipeline.Pipeline} is the entry point.
 */
package dev.herald.pipeline;
