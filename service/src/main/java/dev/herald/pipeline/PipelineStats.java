package dev.herald.pipeline;

import dev.herald.infra.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What the pipeline did for one organization since a moment, read from the recorded work units (hot and finished):
 * per-step timings of delivered work (p50, p99, max in ms) and counts by outcome. The table of the reference analysis,
 * one query away. Thread-safe.
 */
public final class PipelineStats {
    static final String STEPS = """
            WITH u AS (
                SELECT state, timings FROM work_units WHERE organization_id = ? AND created_at >= ?
                UNION ALL
                SELECT state, timings FROM work_units_done WHERE organization_id = ? AND created_at >= ?),
            s AS (
                SELECT k.step, k.ord, (u.timings ->> (k.step || '_ms'))::float8 AS ms
                FROM u CROSS JOIN unnest(ARRAY['wait', 'claim', 'context', 'render', 'throttle', 'send', 'total'])
                     WITH ORDINALITY AS k(step, ord)
                WHERE u.state = 'done' AND u.timings ->> (k.step || '_ms') IS NOT NULL)
            SELECT step, count(*) AS n,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99,
                   max(ms) AS max
            FROM s GROUP BY step, ord ORDER BY ord""";
    static final String COUNTS = """
            WITH u AS (
                SELECT state, attempts FROM work_units WHERE organization_id = ? AND created_at >= ?
                UNION ALL
                SELECT state, attempts FROM work_units_done WHERE organization_id = ? AND created_at >= ?)
            SELECT count(*) AS total,
                   count(*) FILTER (WHERE state = 'done') AS delivered,
                   count(*) FILTER (WHERE state = 'superseded') AS superseded,
                   count(*) FILTER (WHERE state = 'done' AND attempts > 1) AS retried,
                   count(*) FILTER (WHERE state = 'dead') AS dead,
                   count(*) FILTER (WHERE state IN ('queued', 'running')) AS pending,
                   count(*) FILTER (WHERE state = 'throttled') AS throttled,
                   count(*) FILTER (WHERE state = 'failed') AS failed
            FROM u""";

    /** An organization's live queue: queued and claimed units, and the age of the oldest queued one. */
    static final String QUEUE = """
            SELECT count(*) FILTER (WHERE state = 'queued') AS queued, count(*) FILTER (WHERE state = 'running') AS claimed,
                   coalesce(extract(epoch FROM now() - min(created_at) FILTER (WHERE state = 'queued')), 0) AS oldest_s
            FROM work_units WHERE organization_id = ? AND state IN ('queued', 'running')""";

    /** The live queue of one organization: units waiting, units claimed, seconds the oldest waiting unit has waited. */
    public record Queue(long queued, long claimed, double oldestQueuedSeconds) {}

    /** Timings of one step over delivered work units, in milliseconds. */
    public record Step(String step, long count, double p50, double p99, double max) {}

    /** Work units by outcome. {@code retried} counts delivered units that needed more than one attempt. */
    public record Counts(long total, long delivered, long superseded, long retried, long dead, long pending, long throttled, long failed) {}

    private final Database db;

    public PipelineStats(Database db) {
        this.db = db;
    }

    public List<Step> steps(UUID organizationId, OffsetDateTime since) {
        return db.read("PipelineStats.STEPS", c -> {
            try (PreparedStatement ps = c.prepareStatement(STEPS)) {
                bind(ps, organizationId, since);
                List<Step> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Step(rs.getString("step"), rs.getLong("n"), rs.getDouble("p50"), rs.getDouble("p99"), rs.getDouble("max")));
                    }
                }
                return out;
            }
        });
    }

    public Counts counts(UUID organizationId, OffsetDateTime since) {
        return db.read("PipelineStats.COUNTS", c -> {
            try (PreparedStatement ps = c.prepareStatement(COUNTS)) {
                bind(ps, organizationId, since);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Counts(rs.getLong("total"), rs.getLong("delivered"), rs.getLong("superseded"), rs.getLong("retried"),
                            rs.getLong("dead"), rs.getLong("pending"), rs.getLong("throttled"), rs.getLong("failed"));
                }
            }
        });
    }

    public Queue queue(UUID organizationId) {
        return db.read("PipelineStats.QUEUE", c -> {
            try (PreparedStatement ps = c.prepareStatement(QUEUE)) {
                ps.setObject(1, organizationId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Queue(rs.getLong("queued"), rs.getLong("claimed"), rs.getDouble("oldest_s"));
                }
            }
        });
    }

    private static void bind(PreparedStatement ps, UUID org, OffsetDateTime since) throws java.sql.SQLException {
        ps.setObject(1, org);
        ps.setObject(2, since);
        ps.setObject(3, org);
        ps.setObject(4, since);
    }
}
