package dev.herald.pipeline;

import dev.herald.contacts.ContactHealth;
import dev.herald.contacts.ContactTarget;
import dev.herald.contacts.Contacts;
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
            WHERE w.id = ANY(ARRAY(SELECT id FROM c))
            RETURNING w.*, extract(epoch FROM now() - w.run_at) * 1000 AS waited_ms""";
    /**
     * {@link #CLAIM} for the consumers, with what they need to deliver in the same statement: the unit's delivery row
     * when an earlier attempt recorded one (its id, the webhook-id, and whether it was sent) and its contact. The claim
     * writes nothing else: the delivery row is written once, by the ack ({@link #COMPLETE}), under the id the unit was
     * delivered with ({@link Deliveries#deliveryId} when it has no row yet), which stays the same across retries and
     * after a crash. A row written here would cost an insert into four random-key indexes and two foreign-key checks
     * inside the claim, whose whole duration counts in the time of every unit it claims. One round trip and one commit
     * per batch.
     *
     * <p><b>Asynchronous commit.</b> The claim commits without waiting for its WAL flush ({@code synchronous_commit} off
     * for this statement's transaction only, through {@code s}; the connection's setting is untouched). A claim is a
     * lease, not an outcome: what a database crash can lose is the last few hundred milliseconds of leases, and those
     * units come back as queued, which is what a lost lease does anyway (the consumer's ack then matches no row, its
     * delivery row still records the send, and the next claim sees it and does not send again). Every outcome (the ack,
     * {@link #COMPLETE}) still commits durably, and its flush also makes the earlier claims durable. The WAL flush was
     * a third of the claim's wall time on a busy machine, paid by every unit it claims. The queue-only {@link #CLAIM}
     * keeps durable commits (the queue benchmark compares it with a peer on durable commits).
     *
     * <p><b>Plan.</b> The statement runs with its generic plan ({@code Database#writeStatement}), which guesses the
     * batch at a tenth of the ready units: with a few hundred guessed rows it hashed the whole {@code deliveries} table
     * for every claim (several times the claim's own cost in a fresh database), and with thousands it would scan {@code work_units} to
     * update them. So the claimed units are updated by primary key from an array ({@code = ANY(ARRAY(...))}, which
     * the planner cannot turn into a hash join), as in {@link #CLAIM}, and the delivery row and the contact are looked
     * up per claimed unit ({@code LATERAL ... LIMIT 1}; both keys are unique).
     */
    static final String CLAIM_FOR_DELIVERY = """
            WITH s AS (SELECT set_config('synchronous_commit', 'off', true)),
            c AS (
                SELECT id FROM work_units WHERE state = 'queued' AND run_at <= now()
                ORDER BY run_at LIMIT ? FOR UPDATE SKIP LOCKED),
            w AS (
                UPDATE work_units w
                SET state = 'running', attempts = w.attempts + 1, max_attempts = ?,
                    lease_until = now() + ? * interval '1 millisecond', leased_by = ?, updated_at = now()
                WHERE w.id = ANY(ARRAY(SELECT id FROM c))
                RETURNING w.*, extract(epoch FROM now() - w.run_at) * 1000 AS waited_ms)
            SELECT w.*, d.id AS delivery_id, d.status AS delivery_status, d.attempts AS delivery_attempts,
                   ct.id AS c_id, ct.organization_id AS c_organization_id, ct.channel AS c_channel, ct.target AS c_target,
                   ct.secret AS c_secret, ct.outbound_auth AS c_outbound_auth, ct.throttle AS c_throttle,
                   ct.disabled_at AS c_disabled_at, ct.consecutive_failures AS c_consecutive_failures,
                   ct.last_success_at AS c_last_success_at, ct.paused_until AS c_paused_until,
                   coalesce(ct.retry_schedule_ms, o.retry_schedule_ms) AS c_retry_schedule_ms,
                   CASE WHEN ct.previous_secret_until > now() THEN ct.previous_secret END AS c_previous_secret,
                   ct.rate_limit AS c_rate_limit
            FROM w CROSS JOIN s
                   LEFT JOIN LATERAL (SELECT * FROM deliveries d
                                      WHERE d.idempotency_key = w.id::text || ':' || w.contact_id::text LIMIT 1) d ON true
                   LEFT JOIN LATERAL (SELECT * FROM contacts ct WHERE ct.id = w.contact_id LIMIT 1) ct ON true
                   LEFT JOIN LATERAL (SELECT retry_schedule_ms FROM organizations o WHERE o.id = w.organization_id LIMIT 1) o ON true""";
    /**
     * The context subjects of the ready units next in line, in claim order, without claiming them (for
     * {@link ContextReadAhead}): one row per subject (its units for the other contacts share it), only the columns
     * the context is made from.
     */
    static final String PEEK_READY = """
            SELECT organization_id, subject_type, subject_id, fingerprint FROM (
                SELECT organization_id, subject_type, subject_id, fingerprint, run_at FROM work_units
                WHERE state = 'queued' AND run_at <= now() ORDER BY run_at LIMIT ?) w
            GROUP BY organization_id, subject_type, subject_id, fingerprint
            ORDER BY min(run_at)""";
    /** See {@link #COMPLETE} for why the holder guard stands alone. */
    static final String HEARTBEAT = """
            UPDATE work_units SET lease_until = now() + ? * interval '1 millisecond'
            WHERE id = ANY(?) AND leased_by = ?""";
    /**
     * The outcomes of a batch in one statement: each unit's queue state (only rows still leased by the consumer) and,
     * when the unit got that far, its delivery row (created on its first outcome, else updated: status, response, send
     * attempts), so that a unit's work and its delivery record commit together. A delivery recorded 'sent' is never
     * taken back, and is recorded even when the lease was lost meanwhile (the send happened). The row's organization,
     * contact and channel come with the outcome, so the statement reads no other table.
     *
     * <p>The guard is the lease holder alone: {@code leased_by} is set only together with state running (the claims)
     * and cleared by every statement that ends a run (this one, the reclaim), so it implies running. A
     * {@code state = 'running'} condition here would let the planner pick the partial indexes on state, and with
     * statistics taken while the queue was empty it scans every open unit for each ack: O(backlog) per statement
     * (see the regression test on the plan, and bench-results/NOTES.md for what it cost in the burst).
     */
    static final String COMPLETE = """
            WITH u AS (
                SELECT * FROM unnest(?::uuid[], ?::text[], ?::int[], ?::bigint[], ?::text[], ?::text[],
                                     ?::uuid[], ?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::int[], ?::int[],
                                     ?::int[], ?::text[], ?::text[], ?::uuid[])
                    AS u(id, state, attempts_delta, delay_ms, error, timings,
                         delivery_id, organization_id, contact_id, channel, delivery_status, response_code, send_attempts,
                         max_attempts, event, subject_type, subject_id)),
            a AS (
                INSERT INTO delivery_attempts (delivery_id, attempt, organization_id, contact_id, started_at, duration_ms,
                                               outcome, response_code, error_class, error, response_excerpt, process)
                SELECT * FROM unnest(?::uuid[], ?::int[], ?::uuid[], ?::uuid[], ?::timestamptz[], ?::int[], ?::text[],
                                     ?::int[], ?::text[], ?::text[], ?::text[], ?::text[])),
            d AS (
                INSERT INTO deliveries AS d (id, organization_id, work_unit_id, contact_id, idempotency_key, channel, status,
                                             response_code, error, attempts, sent_at, event, subject_type, subject_id)
                SELECT u.delivery_id, u.organization_id, u.id, u.contact_id, u.id::text || ':' || u.contact_id::text,
                       u.channel, u.delivery_status, u.response_code,
                       CASE WHEN u.delivery_status = 'sent' THEN NULL ELSE u.error END,
                       u.send_attempts, CASE WHEN u.delivery_status = 'sent' THEN now() END,
                       u.event, u.subject_type, u.subject_id
                FROM u WHERE u.delivery_status IS NOT NULL
                ON CONFLICT (idempotency_key) DO UPDATE
                SET status = CASE WHEN d.status = 'sent' THEN 'sent' ELSE excluded.status END,
                    response_code = coalesce(excluded.response_code, d.response_code),
                    error = excluded.error,
                    attempts = d.attempts + excluded.attempts,
                    sent_at = CASE WHEN excluded.status = 'sent' AND d.status <> 'sent' THEN now() ELSE d.sent_at END
                RETURNING d.id)
            UPDATE work_units w
            SET state = u.state,
                attempts = w.attempts + u.attempts_delta,
                max_attempts = coalesce(u.max_attempts, w.max_attempts),
                run_at = CASE WHEN u.state = 'queued' THEN now() + u.delay_ms * interval '1 millisecond' ELSE w.run_at END,
                lease_until = NULL, leased_by = NULL,
                last_error = u.error,
                timings = u.timings::jsonb,
                updated_at = now(),
                finished_at = CASE WHEN u.state = 'queued' THEN NULL ELSE now() END
            FROM u
            WHERE w.id = u.id AND w.leased_by = ?""";
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
                    WHERE state IN ('done', 'superseded', 'throttled', 'failed', 'cancelled')
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
    /**
     * Puts a contact's queued units that would be ready before {@code now + delay} back to then (a slow contact, see
     * {@link ContactGuard}); served by work_units_supersede_idx (its leading column is the contact, partial on queued).
     */
    static final String DEFER_CONTACT = """
            UPDATE work_units SET run_at = now() + ? * interval '1 millisecond', updated_at = now()
            WHERE contact_id = ? AND state = 'queued' AND run_at < now() + ? * interval '1 millisecond'""";
    /** Puts a contact's queued units that would be ready before {@code until} back to then (its circuit opened). */
    static final String DEFER_CONTACT_UNTIL = """
            UPDATE work_units SET run_at = ?, updated_at = now()
            WHERE contact_id = ? AND state = 'queued' AND run_at < ?""";

    /**
     * A claimed work unit, how long it had waited since it became ready (ms), and, when claimed for delivery, its
     * delivery row and contact (null from the queue-only claim; the contact also when it is gone).
     */
    record Claimed(WorkUnit unit, double waitedMs, Deliveries.Key key, ContactTarget contact, ContactHealth.Snapshot health,
                   long[] scheduleMs) {
        Claimed(WorkUnit unit, double waitedMs) {
            this(unit, waitedMs, null, null, null, null);
        }
    }

    /**
     * The outcome of one claimed unit, applied with the others of its batch in one statement: its queue state and,
     * when {@code delivery} is not null, its delivery row.
     */
    record Completion(UUID id, String state, int attemptsDelta, long delayMs, String error, String timingsJson,
                      DeliveryOutcome delivery, Integer maxAttempts, AttemptRecord attempt) {
        /** A queue-only outcome (no delivery row). */
        Completion(UUID id, String state, int attemptsDelta, long delayMs, String error, String timingsJson) {
            this(id, state, attemptsDelta, delayMs, error, timingsJson, null, null, null);
        }
    }

    /**
     * One send attempt for the attempt log ({@code delivery_attempts}): which attempt of the delivery, when it started,
     * how long it took (ms), what came of it, and what the receiver answered.
     */
    record AttemptRecord(int attempt, java.time.OffsetDateTime startedAt, int durationMs, String outcome, Integer responseCode,
                         String errorClass, String error, String excerpt) {}

    /**
     * What the ack writes to a unit's delivery row: the row's identity (its id, the webhook-id, and the organization,
     * contact and channel of the unit) and this attempt's result ({@code sendAttempts} sends made in it).
     */
    record DeliveryOutcome(UUID id, UUID organizationId, UUID contactId, String channel, String status,
                           Integer responseCode, int sendAttempts, String event, String subjectType, UUID subjectId) {}

    /** Queue gauges, read in one statement. */
    record Gauges(long queued, long running, long dead, double oldestSeconds) {}

    /** What a redrive found. */
    enum Redrive { REDRIVEN, NOT_DEAD, NOT_FOUND }

    private final Database db;

    public WorkQueue(Database db) {
        this.db = db;
    }

    /**
     * The claim the consumers run, without a delivery behind it (for the queue benchmark): up to {@code batchSize} ready
     * units leased to {@code consumer}; answers their ids, empty when none is ready.
     */
    public List<UUID> claimIds(int batchSize, int maxAttempts, Duration lease, String consumer) {
        return claim(batchSize, maxAttempts, lease, consumer).stream().map(c -> c.unit().id()).toList();
    }

    /** Marks claimed units done in one statement, only those still leased by {@code consumer}; answers how many changed. */
    public int ackDone(List<UUID> ids, String consumer) {
        return complete(ids.stream().map(id -> new Completion(id, "done", 0, 0, null, "{}")).toList(), consumer);
    }

    List<Claimed> claim(int batchSize, int maxAttempts, Duration lease, String consumer) {
        return claim("Queue.CLAIM", CLAIM, batchSize, maxAttempts, lease, consumer,
                rs -> new Claimed(WorkUnit.from(rs), Math.max(0, rs.getDouble("waited_ms"))));
    }

    /** Claims up to {@code batchSize} ready units with their delivery rows and contacts ({@link #CLAIM_FOR_DELIVERY}). */
    List<Claimed> claimForDelivery(int batchSize, int maxAttempts, Duration lease, String consumer) {
        return claim("Queue.CLAIM_FOR_DELIVERY", CLAIM_FOR_DELIVERY, batchSize, maxAttempts, lease, consumer, rs -> {
            WorkUnit unit = WorkUnit.from(rs);
            UUID recorded = rs.getObject("delivery_id", UUID.class);
            Deliveries.Key key = recorded != null
                    ? new Deliveries.Key(recorded, rs.getString("delivery_status"), rs.getInt("delivery_attempts"))
                    : new Deliveries.Key(Deliveries.deliveryId(unit.id(), unit.contactId()), null, 0);
            boolean hasContact = rs.getObject("c_id") != null;
            ContactTarget contact = hasContact ? Contacts.fromRow(rs, "c_") : null;
            ContactHealth.Snapshot health = hasContact ? ContactHealth.Snapshot.fromRow(rs, "c_") : null;
            return new Claimed(unit, Math.max(0, rs.getDouble("waited_ms")), key, contact, health,
                    dev.herald.records.RecordSql.longs(rs.getArray("c_retry_schedule_ms")));
        });
    }

    /** Reads one claimed row. */
    private interface ClaimedRow {
        Claimed read(ResultSet rs) throws SQLException;
    }

    private List<Claimed> claim(String operation, String sql, int batchSize, int maxAttempts, Duration lease, String consumer,
                                ClaimedRow row) {
        // One statement, so autocommit: one round trip, and its whole duration counts in each claimed unit's time.
        return db.writeStatement(operation, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setInt(1, batchSize);
                ps.setInt(2, maxAttempts);
                ps.setLong(3, lease.toMillis());
                ps.setString(4, consumer);
                List<Claimed> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(row.read(rs));
                }
                return out;
            }
        });
    }

    /** The context subjects of up to {@code limit} ready units, next in line first, left in the queue ({@link #PEEK_READY}). */
    List<ContextSubject> peekReady(int limit) {
        return db.read("Queue.PEEK_READY", c -> {
            try (PreparedStatement ps = c.prepareStatement(PEEK_READY)) {
                ps.setInt(1, limit);
                List<ContextSubject> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new ContextSubject(rs.getObject("organization_id", UUID.class), rs.getString("subject_type"),
                                rs.getObject("subject_id", UUID.class), rs.getString("fingerprint")));
                    }
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
        UUID[] deliveryIds = new UUID[n];
        UUID[] organizations = new UUID[n];
        UUID[] contacts = new UUID[n];
        String[] channels = new String[n];
        String[] deliveryStates = new String[n];
        Integer[] codes = new Integer[n];
        Integer[] sends = new Integer[n];
        Integer[] maxAttempts = new Integer[n];
        String[] events = new String[n];
        String[] subjectTypes = new String[n];
        UUID[] subjectIds = new UUID[n];
        List<Object[]> attempts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Completion d = done.get(i);
            ids[i] = d.id();
            states[i] = d.state();
            deltas[i] = d.attemptsDelta();
            delays[i] = d.delayMs();
            errors[i] = d.error();
            timings[i] = d.timingsJson();
            maxAttempts[i] = d.maxAttempts();
            DeliveryOutcome o = d.delivery();
            AttemptRecord a = d.attempt();
            if (a != null && o != null) {
                attempts.add(new Object[] {o.id(), a.attempt(), o.organizationId(), o.contactId(), a.startedAt(), a.durationMs(),
                        a.outcome(), a.responseCode(), a.errorClass(), a.error(), a.excerpt()});
            }
            sends[i] = 0;
            if (o == null) continue;
            deliveryIds[i] = o.id();
            organizations[i] = o.organizationId();
            contacts[i] = o.contactId();
            channels[i] = o.channel();
            deliveryStates[i] = o.status();
            codes[i] = o.responseCode();
            sends[i] = o.sendAttempts();
            events[i] = o.event();
            subjectTypes[i] = o.subjectType();
            subjectIds[i] = o.subjectId();
        }
        int m = attempts.size();
        Object[][] attemptColumns = new Object[11][m];
        for (int j = 0; j < m; j++) {
            for (int k = 0; k < 11; k++) attemptColumns[k][j] = attempts.get(j)[k];
        }
        String[] processes = new String[m];
        Arrays.fill(processes, consumer);
        // One statement in autocommit (one round trip: every unit of the batch waits for it); the wake-up, when some
        // unit went back to the queue, follows it as a statement of its own, after the units are visible.
        return db.writeStatementIdempotent("Queue.COMPLETE", c -> {
            try (PreparedStatement ps = c.prepareStatement(COMPLETE)) {
                ps.setArray(1, c.createArrayOf("uuid", ids));
                ps.setArray(2, c.createArrayOf("text", states));
                ps.setArray(3, c.createArrayOf("int4", deltas));
                ps.setArray(4, c.createArrayOf("int8", delays));
                ps.setArray(5, c.createArrayOf("text", errors));
                ps.setArray(6, c.createArrayOf("text", timings));
                ps.setArray(7, c.createArrayOf("uuid", deliveryIds));
                ps.setArray(8, c.createArrayOf("uuid", organizations));
                ps.setArray(9, c.createArrayOf("uuid", contacts));
                ps.setArray(10, c.createArrayOf("text", channels));
                ps.setArray(11, c.createArrayOf("text", deliveryStates));
                ps.setArray(12, c.createArrayOf("int4", codes));
                ps.setArray(13, c.createArrayOf("int4", sends));
                ps.setArray(14, c.createArrayOf("int4", maxAttempts));
                ps.setArray(15, c.createArrayOf("text", events));
                ps.setArray(16, c.createArrayOf("text", subjectTypes));
                ps.setArray(17, c.createArrayOf("uuid", subjectIds));
                String[] types = {"uuid", "int4", "uuid", "uuid", "timestamptz", "int4", "text", "int4", "text", "text", "text"};
                for (int k = 0; k < 11; k++) ps.setArray(18 + k, c.createArrayOf(types[k], attemptColumns[k]));
                ps.setArray(29, c.createArrayOf("text", processes));
                ps.setString(30, consumer);
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

    /** {@link #DEFER_CONTACT}: answers how many units moved. */
    int deferContact(UUID contactId, Duration delay) {
        return db.writeIdempotent("Queue.DEFER_CONTACT", c -> {
            try (PreparedStatement ps = c.prepareStatement(DEFER_CONTACT)) {
                ps.setLong(1, delay.toMillis());
                ps.setObject(2, contactId);
                ps.setLong(3, delay.toMillis());
                return ps.executeUpdate();
            }
        });
    }

    /** {@link #DEFER_CONTACT_UNTIL}: answers how many units moved. */
    int deferContactUntil(UUID contactId, java.time.OffsetDateTime until) {
        return db.writeIdempotent("Queue.DEFER_CONTACT_UNTIL", c -> {
            try (PreparedStatement ps = c.prepareStatement(DEFER_CONTACT_UNTIL)) {
                ps.setObject(1, until);
                ps.setObject(2, contactId);
                ps.setObject(3, until);
                return ps.executeUpdate();
            }
        });
    }

    private static void wake(Connection c) throws SQLException {
        try (var st = c.createStatement()) {
            st.execute(WAKE);
        }
    }

}
