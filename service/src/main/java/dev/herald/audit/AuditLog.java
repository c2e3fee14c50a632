package dev.herald.audit;

import dev.herald.api.ApiSettings;
import dev.herald.api.AuditSink;
import dev.herald.api.Page;
import dev.herald.api.PageRequest;
import dev.herald.api.Routes;
import dev.herald.infra.Database;
import dev.herald.records.ListSql;
import dev.herald.records.RecordSql;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log's writes and reads. An entry is written after the call was answered, in its own statement: an audit
 * write that fails is logged and never changes the call's answer (the call already happened). Entries older than
 * {@code retention.deliveries} are deleted in batches of 1,000, by one write in 512. Thread-safe.
 */
public final class AuditLog implements AuditSink {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    static final String INSERT = """
            INSERT INTO audit_log (id, key_id, organization_id, actor, method, route, record_id, status, outcome)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String COLUMNS = """
            id, created_at, key_id, (SELECT k.key_prefix FROM api_keys k WHERE k.id = key_id), organization_id, actor, method, route,
            record_id, status, outcome""";
    /** Every entry, newest first (admin). */
    static final ListSql LIST = new ListSql("AuditLog.LIST", COLUMNS,
            "audit_log WHERE true", ListSql.Order.NEWEST_FIRST);
    /** One organization's entries, newest first. */
    static final ListSql LIST_BY_ORG = new ListSql("AuditLog.LIST_BY_ORG", COLUMNS,
            "audit_log WHERE organization_id = ?", ListSql.Order.NEWEST_FIRST);
    static final String PRUNE = """
            DELETE FROM audit_log WHERE id IN (
                SELECT id FROM audit_log WHERE created_at < now() - ? * interval '1 millisecond' ORDER BY created_at LIMIT 1000)""";

    /** One entry as {@code GET /audit-log} shows it. */
    public record Entry(UUID id, OffsetDateTime createdAt, UUID keyId, String keyPrefix, UUID organizationId, String actor,
                        String method, String route, String recordId, int status, String outcome) {}

    private final Database db;
    private final Duration retention;
    private final AtomicLong writes = new AtomicLong();

    public AuditLog(Database db, Duration retention) {
        this.db = db;
        this.retention = retention;
    }

    @Override
    public void record(UUID keyId, UUID organizationId, String method, String route, String recordId, int status) {
        write(keyId, organizationId, "api", method, route, recordId, status);
    }

    /** A CLI command that changed state ({@code command} e.g. "keys revoke"); {@code ok} false when it failed. */
    public void recordCommand(String command, UUID organizationId, String recordId, boolean ok) {
        write(null, organizationId, "cli", "CLI", command, recordId, ok ? 0 : 1);
    }

    private void write(UUID keyId, UUID organizationId, String actor, String method, String route, String recordId, int status) {
        String outcome = "cli".equals(actor) ? (status == 0 ? "ok" : "failed")
                : status < 400 ? "ok" : status < 500 ? "refused" : "failed";
        try {
            if (writes.incrementAndGet() % 512 == 0) prune();
            db.write("AuditLog.INSERT", c -> {
                try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                    ps.setObject(1, UUID.randomUUID());
                    ps.setObject(2, keyId);
                    ps.setObject(3, organizationId);
                    ps.setString(4, actor);
                    ps.setString(5, method);
                    ps.setString(6, route);
                    ps.setString(7, recordId);
                    ps.setInt(8, status);
                    ps.setString(9, outcome);
                    return ps.executeUpdate();
                }
            });
        } catch (RuntimeException e) {
            log.warn("audit entry for {} {} not written: {}", method, route, e.toString());
        }
    }

    private void prune() {
        db.writeIdempotent("AuditLog.PRUNE", c -> {
            try (PreparedStatement ps = c.prepareStatement(PRUNE)) {
                ps.setLong(1, retention.toMillis());
                return ps.executeUpdate();
            }
        });
    }

    /** Entries newest first: one organization's, or every one when {@code organizationId} is null. */
    public Page<Entry> list(UUID organizationId, PageRequest req) {
        RecordSql.RowMapper<Entry> row = rs -> new Entry(rs.getObject(1, UUID.class), rs.getObject(2, OffsetDateTime.class),
                rs.getObject(3, UUID.class), rs.getString(4), rs.getObject(5, UUID.class), rs.getString(6), rs.getString(7),
                rs.getString(8), rs.getString(9), rs.getInt(10), rs.getString(11));
        return organizationId == null
                ? RecordSql.page(db, LIST, req, row, e -> e.createdAt() + "|" + e.id())
                : RecordSql.page(db, LIST_BY_ORG, req, row, e -> e.createdAt() + "|" + e.id(), organizationId);
    }

    /** {@code GET /audit-log} (admin keys). */
    public Routes routes(ApiSettings api) {
        return new AuditRoutes(this, api);
    }
}
