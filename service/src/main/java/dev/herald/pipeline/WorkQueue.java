package dev.herald.pipeline;

import dev.herald.infra.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The durable queue in PostgreSQL ({@code work_units}): batched claims with {@code FOR UPDATE SKIP LOCKED} and a lease,
 * heartbeats, batched completion (one statement for a whole batch), reclaim of expired leases, and moving finished work
 * to {@code work_units_done}. Every state change of a leased row is guarded by the lease holder, so a consumer that lost
 * its lease cannot overwrite the work of the one that reclaimed it. Thread-safe.
 */
public final class WorkQueue {
    static final String CLAIM = """
            WITH c AS (
                SELECT id FROM work_units WHERE state = 'queued' AND run_at <= now()
                ORDER BY run_at LIMIT ? FOR UPDATE SKIP LOCKED)
            UPDATE work_units w
            SET state = 'running', attempts = w.attempts + 1, max_attempts = ?,
                lease_until = now() + ? * interval '1 millisecond', leased_by = ?, updated_at = now()
            FROM c WHERE w.id = c.id
            RETURNING w.*, (extract(epoch FROM now() - w.run_at) * 1000)::bigint AS waited_ms""";
    static final String HEARTBEAT = """
            UPDATE work_units SET lease_until = now() + ? * interval '1 millisecond'
            WHERE id = ANY(?) AND leased_by = ? AND state = 'running'""";
    static final String COMPLETE = """
            UPDATE work_units w
            SET state = u.state,
                attempts = w.attempts + u.attempts_delta,
                run_at = CASE WHEN u.state = 'queued' THEN now() + u.delay_ms * interval '1 millisecond' ELSE w.run_at END,
                lease_until = NULL, leased_by = NULL,
                last_error = u.error,
                timings = u.timings::jsonb,
                updated_at = now(),
                finished_at = CASE WHEN u.state = 'queued' THEN NULL ELSE now() END
            FROM unnest(?::uuid[], ?::text[], ?::int[], ?::bigint[], ?::text[], ?::text[])
                 AS u(id, state, attempts_delta, delay_ms, error, timings)
            WHERE w.id = u.id AND w.leased_by = ? AND w.state = 'running'""";
    static final String RECLAIM_EXPIRED = """
            UPDATE work_units
            SET state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END,
                last_error = 'lease expired: ' || coalesce(leased_by, 'unknown consumer') || ' stopped heartbeating',
                finished_at = CASE WHEN attempts >= max_attempts THEN now() END,
                lease_until = NULL, leased_by = NULL, run_at = now(), updated_at = now()
            WHERE id IN (SELECT id FROM work_units WHERE state = 'running' AND lease_until < now()
                         LIMIT ? FOR UPDATE SKIP LOCKED)""";
    static final String MOVE_FINISHED = """
            WITH moved AS (
                DELETE FROM work_units WHERE id IN (
                    SELECT id FROM work_units
                    WHERE state IN ('done', 'superseded', 'throttled', 'failed')
                      AND finished_at < now() - ? * interval '1 millisecond'
                    ORDER BY finished_at LIMIT ? FOR UPDATE SKIP LOCKED)
                RETURNING *)
            INSERT INTO work_units_done SELECT * FROM moved ON CONFLICT (id) DO NOTHING""";
    static final String PRUNE_DONE_HISTORY = """
            DELETE FROM work_units_done WHERE id IN (
                SELECT id FROM work_units_done WHERE finished_at < now() - ? * interval '1 millisecond' LIMIT ?)""";
    static final String GAUGES = """
            SELECT count(*) FILTER (WHERE state = 'queued') AS queued,
                   count(*) FILTER (WHERE state = 'running') AS running,
                   count(*) FILTER (WHERE state = 'dead') AS dead,
                   coalesce(extract(epoch FROM now() - min(created_at) FILTER (WHERE state IN ('queued', 'running'))), 0) AS oldest
            FROM work_units WHERE state IN ('queued', 'running', 'dead')""";
    static final String FIND = "SELECT " + WorkUnit.COLUMNS + " FROM work_units WHERE id = ? UNION ALL "
            + "SELECT " + WorkUnit.COLUMNS + " FROM work_units_done WHERE id = ? LIMIT 1";
    static final String REDRIVE = """
            UPDATE work_units SET state = 'queued', attempts = 0, run_at = now(), finished_at = NULL, updated_at = now(),
                   last_error = 'redriven after: ' || coalesce(last_error, 'no error recorded')
            WHERE id = ? AND organization_id = ? AND state = 'dead'""";
    static final String WAKE = "SELECT pg_notify('herald_work', '')";

    /** A claimed work unit and how long it had waited since it became ready. */
    record Claimed(WorkUnit unit, long waitedMs) {}

    /** The outcome of one claimed unit, applied with the others of its batch in one statement. */
    record Completion(UUID id, String state, int attemptsDelta, long delayMs, String error, String timingsJson) {}

    /** Queue gauges, read in one statement. */
    record Gauges(long queued, long running, long dead, double oldestSeconds) {}

    /** What a redrive found. */
    enum Redrive { REDRIVEN, NOT_DEAD, NOT_FOUND }

    private final Database db;

    public WorkQueue(Database db) {
        this.db = db;
    }

    List<Claimed> claim(int batchSize, int maxAttempts, Duration lease, String consumer) {
        return db.write("Queue.CLAIM", c -> {
            try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
                ps.setInt(1, batchSize);
                ps.setInt(2, maxAttempts);
                ps.setLong(3, lease.toMillis());
                ps.setString(4, consumer);
                List<Claimed> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(new Claimed(WorkUnit.from(rs), Math.max(0, rs.getLong("waited_ms"))));
                }
                return out;
            }
        });
    }

    /** Extends the lease of the units still held by {@code consumer}; answers how many it still holds. */
    int heartbeat(List<UUID> ids, Duration lease, String consumer) {
        if (ids.isEmpty()) return 0;
        return db.writeIdempotent("Queue.HEARTBEAT", c -> {
            try (PreparedStatement ps = c.prepareStatement(HEARTBEAT)) {
                ps.setLong(1, lease.toMillis());
                ps.setArray(2, c.createArrayOf("uuid", ids.toArray()));
                ps.setString(3, consumer);
                return ps.executeUpdate();
            }
        });
    }

    /** Applies the outcomes of a batch in one UPDATE (only rows still leased by {@code consumer}); answers rows changed. */
    int complete(List<Completion> done, String consumer) {
        if (done.isEmpty()) return 0;
        int n = done.size();
        UUID[] ids = new UUID[n];
        String[] states = new String[n];
        Integer[] deltas = new Integer[n];
        Long[] delays = new Long[n];
        String[] errors = new String[n];
        String[] timings = new String[n];
        for (int i = 0; i < n; i++) {
            Completion d = done.get(i);
            ids[i] = d.id();
            states[i] = d.state();
            deltas[i] = d.attemptsDelta();
            delays[i] = d.delayMs();
            errors[i] = d.error();
            timings[i] = d.timingsJson();
        }
        return db.writeIdempotent("Queue.COMPLETE", c -> {
            try (PreparedStatement ps = c.prepareStatement(COMPLETE)) {
                ps.setArray(1, c.createArrayOf("uuid", ids));
                ps.setArray(2, c.createArrayOf("text", states));
                ps.setArray(3, c.createArrayOf("int4", deltas));
                ps.setArray(4, c.createArrayOf("int8", delays));
                ps.setArray(5, c.createArrayOf("text", errors));
                ps.setArray(6, c.createArrayOf("text", timings));
                ps.setString(7, consumer);
                int changed = ps.executeUpdate();
                if (Arrays.stream(states).anyMatch("queued"::equals)) wake(c);
                return changed;
            }
        });
    }

    /** Puts work whose lease expired back in the queue (or dead when out of attempts); answers how many. */
    int reclaimExpired(int limit) {
        return db.writeIdempotent("Queue.RECLAIM_EXPIRED", c -> {
            try (PreparedStatement ps = c.prepareStatement(RECLAIM_EXPIRED)) {
                ps.setInt(1, limit);
                int n = ps.executeUpdate();
                if (n > 0) wake(c);
                return n;
            }
        });
    }

    /** Moves finished work older than {@code after} to work_units_done and drops history older than {@code retention}. */
    int moveFinished(Duration after, Duration retention, int limit) {
        int moved = db.writeIdempotent("Queue.MOVE_FINISHED", c -> {
            try (PreparedStatement ps = c.prepareStatement(MOVE_FINISHED)) {
                ps.setLong(1, after.toMillis());
                ps.setInt(2, limit);
                return ps.executeUpdate();
            }
        });
        db.writeIdempotent("Queue.PRUNE_DONE_HISTORY", c -> {
            try (PreparedStatement ps = c.prepareStatement(PRUNE_DONE_HISTORY)) {
                ps.setLong(1, retention.toMillis());
                ps.setInt(2, limit);
                return ps.executeUpdate();
            }
        });
        return moved;
    }

    Gauges gauges() {
        return db.read("Queue.GAUGES", c -> {
            try (PreparedStatement ps = c.prepareStatement(GAUGES); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Gauges(rs.getLong("queued"), rs.getLong("running"), rs.getLong("dead"), rs.getDouble("oldest"));
            }
        });
    }

    /** A work unit, live or finished, by id (any organization: callers scope it). */
    public Optional<WorkUnit> find(UUID id) {
        return db.read("Queue.FIND", c -> {
            try (PreparedStatement ps = c.prepareStatement(FIND)) {
                ps.setObject(1, id);
                ps.setObject(2, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(WorkUnit.from(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Puts a dead work unit of {@code organizationId} back in the queue with fresh attempts. */
    Redrive redrive(UUID organizationId, UUID id) {
        int n = db.write("Queue.REDRIVE", c -> {
            try (PreparedStatement ps = c.prepareStatement(REDRIVE)) {
                ps.setObject(1, id);
                ps.setObject(2, organizationId);
                int changed = ps.executeUpdate();
                if (changed > 0) wake(c);
                return changed;
            }
        });
        if (n > 0) return Redrive.REDRIVEN;
        return find(id).filter(w -> w.organizationId().equals(organizationId)).isPresent() ? Redrive.NOT_DEAD : Redrive.NOT_FOUND;
    }

    private static void wake(Connection c) throws SQLException {
        try (var st = c.createStatement()) {
            st.execute(WAKE);
        }
    }

}
