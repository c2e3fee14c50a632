/**
 * The audit log: every state-changing API call (reported by the HTTP edge through {@link dev.herald.api.AuditSink}) and
 * CLI command that changes state, with who, what, when and the outcome, never bodies or secrets. Owns the
 * {@code audit_log} table, its retention ({@code retention.deliveries}) and {@code GET /audit-log} (admin keys).
 */
package dev.herald.audit;
