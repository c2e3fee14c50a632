package dev.herald.pipeline;

import dev.herald.infra.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the delivery log to {@code retention.deliveries} without long locks or table-wide deletes:
 * <ul>
 *   <li>attempts live in day partitions ({@code delivery_attempts_YYYYMMDD}); days ahead are created
 *       ({@code retention.partitions-ahead}) and a day wholly older than the retention is dropped (a catalog change,
 *       no row is scanned);</li>
 *   <li>deliveries (one unique key across all time, so not partitioned) are deleted in batches of
 *       {@code work.prune-batch}, each organization's oldest first through deliveries_org_recent_idx.</li>
 * </ul>
 * Run by each process's queue maintenance; every statement is safe to run from several processes at once. Thread-safe.
 */
final class Retention {
    /** Creates the missing day partitions from yesterday to {@code days} ahead (SQL {@code herald_attempt_partitions}). */
    static final String ENSURE_PARTITIONS = "SELECT herald_attempt_partitions(?::date - 1, ?::date + ?)";
    /** The day partitions of delivery_attempts, by name. */
    static final String LIST_PARTITIONS = """
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'delivery_attempts'::regclass ORDER BY c.relname""";
    /**
     * Deletes up to ? deliveries older than the retention, oldest first per organization (deliveries_org_recent_idx,
     * read backwards from each organization's oldest).
     */
    static final String PRUNE_DELIVERIES = """
            DELETE FROM deliveries WHERE id IN (
                SELECT d.id FROM organizations o
                CROSS JOIN LATERAL (SELECT id FROM deliveries d
                                    WHERE d.organization_id = o.id AND d.created_at < now() - ? * interval '1 millisecond'
                                    ORDER BY d.created_at LIMIT ?) d
                LIMIT ?)""";

    private final Database db;

    Retention(Database db) {
        this.db = db;
    }

    /** Creates the day partitions from yesterday to {@code daysAhead} days ahead that are missing; answers how many. */
    int ensurePartitions(int daysAhead) {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        return db.write("Retention.ENSURE_PARTITIONS", c -> {
            try (PreparedStatement ps = c.prepareStatement(ENSURE_PARTITIONS)) {
                ps.setObject(1, today);
                ps.setObject(2, today);
                ps.setInt(3, daysAhead);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /** Drops the day partitions whose whole day is older than {@code retention}; answers their names. */
    List<String> dropExpiredPartitions(Duration retention) {
        LocalDate keepFrom = LocalDate.ofInstant(java.time.Instant.now().minus(retention), ZoneOffset.UTC);
        List<String> names = db.read("Retention.LIST_PARTITIONS", c -> dev.herald.records.RecordSql.query(c, LIST_PARTITIONS,
                rs -> rs.getString(1)));
        List<String> dropped = new ArrayList<>();
        for (String name : names) {
            if (!name.matches("delivery_attempts_\\d{8}")) continue;
            LocalDate day = LocalDate.parse(name.substring(name.length() - 8), java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
            if (!day.isBefore(keepFrom)) continue;
            // The name comes from the catalog and matched the pattern above: safe to put in the statement.
            db.write("Retention.DROP_PARTITION", c -> {
                try (var st = c.createStatement()) {
                    st.execute("DROP TABLE IF EXISTS " + name);
                }
                return null;
            });
            dropped.add(name);
        }
        return dropped;
    }

    /** Deletes up to {@code limit} deliveries older than {@code retention}; answers how many. */
    int pruneDeliveries(Duration retention, int limit) {
        return db.writeIdempotent("Retention.PRUNE_DELIVERIES", c -> {
            try (PreparedStatement ps = c.prepareStatement(PRUNE_DELIVERIES)) {
                ps.setLong(1, retention.toMillis());
                ps.setInt(2, limit);
                ps.setInt(3, limit);
                return ps.executeUpdate();
            }
        });
    }
}
