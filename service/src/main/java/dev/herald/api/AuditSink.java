package dev.herald.api;

import java.util.UUID;

/**
 * Where the HTTP edge reports every state-changing call (any method but GET and HEAD), after it was answered: who
 * ({@code keyId}, the caller's organization), what ({@code method}, the route template, the record's id when the path or
 * the answer names one), and the status. Never a body, a secret or a query string. Implementations must not throw.
 */
public interface AuditSink {
    void record(UUID keyId, UUID organizationId, String method, String route, String recordId, int status);
}
