package dev.herald.bench.burst;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.Herald;
import dev.herald.json.Json;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Herald's side of the burst: consumers already waiting (in this process, or in {@code ./herald worker} child
 * processes), then the burst's change notifications enqueued in ONE transaction through the product's own fan-out
 * ({@code herald_enqueue}: one change number per incident, one work unit per contact), so all of them become visible at
 * once, like the production queue at its peak. Measures from the work units' own records: processing (claim to ack),
 * the recorded step timings, end to end (burst committed to delivery sent) and the drain time.
 */
public final class HeraldBurst {
    /** What Herald did; histograms in microseconds. */
    record Result(int messages, long units, long done, double drainSeconds, Histogram processing, Histogram work, Histogram e2e,
                  Histogram throttle, StepTable steps, int fingerprints, long builtAtClaim) {}

    private static final String ENQUEUE = """
            SELECT count(herald_enqueue(i.organization_id, 'incident', i.id, i.id, 'incident.updated', i.kind, i.severity))
            FROM incidents i WHERE i.id = ANY(?) AND i.organization_id = ?""";
    /** Each unit with its delivery, found by the delivery's unique idempotency key (work unit id : contact id). */
    private static final String UNITS = """
            SELECT w.state, w.fingerprint, w.timings::text AS timings, extract(epoch FROM w.run_at) AS run_at,
                   extract(epoch FROM w.finished_at) AS finished_at,
                   (SELECT extract(epoch FROM d.sent_at) FROM deliveries d
                     WHERE d.idempotency_key = w.id::text || ':' || w.contact_id::text AND d.status = 'sent') AS sent_at
            FROM (SELECT id, contact_id, state, fingerprint, timings, run_at, finished_at FROM work_units WHERE change_id > ?
                  UNION ALL SELECT id, contact_id, state, fingerprint, timings, run_at, finished_at FROM work_units_done WHERE change_id > ?) w""";
    private static final String OPEN = """
            SELECT count(*) FROM work_units WHERE change_id > ? AND state IN ('queued', 'running')""";

    private HeraldBurst() {}

    /** Enqueues the burst in one transaction; answers the change number at or below which nothing belongs to it. */
    static long enqueue(Herald herald, BurstFixture f) {
        return enqueue(herald, f, f.incidents);
    }

    /** Enqueues changes of {@code incidents} in one transaction; answers the change number at or below which nothing belongs to it. */
    static long enqueue(Herald herald, BurstFixture f, java.util.List<java.util.UUID> incidents) {
        return enqueue(herald, f.organizationId, incidents);
    }

    /**
     * Enqueues a change of each of {@code incidents} of {@code organizationId} in one transaction (the fan-out of
     * {@code herald_enqueue}, as the triggers run it); answers the change number at or below which nothing belongs to it.
     */
    public static long enqueue(Herald herald, java.util.UUID organizationId, java.util.List<java.util.UUID> incidents) {
        return herald.db().transaction("BurstBench.ENQUEUE", Duration.ofMinutes(5), c -> {
            long base;
            try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM herald_change_seq")) {
                rs.next();
                base = rs.getLong(1);
            }
            try (PreparedStatement ps = c.prepareStatement(ENQUEUE)) {
                ps.setArray(1, c.createArrayOf("uuid", incidents.toArray()));
                ps.setObject(2, organizationId);
                ps.executeQuery().close();
            }
            return base;
        });
    }

    /** Waits until every message reached a receiver and no unit of the burst is queued or running; false on timeout. */
    static boolean awaitDrained(Herald herald, BurstFixture f, long base, long expectedAccepted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (f.distinctAccepted() < expectedAccepted) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(10);
        }
        while (open(herald, base) > 0) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(10);
        }
        return true;
    }

    private static long open(Herald herald, long base) {
        return herald.db().read("BurstBench.OPEN", c -> {
            try (PreparedStatement ps = c.prepareStatement(OPEN)) {
                ps.setLong(1, base);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** Reads the burst's work units back and computes the figures; {@code committedEpoch} is when the burst became visible. */
    static Result measure(Herald herald, BurstFixture f, long base, double committedEpoch) {
        Histogram processing = new Histogram(3_600_000_000L, 3);
        Histogram work = new Histogram(3_600_000_000L, 3);
        Histogram e2e = new Histogram(3_600_000_000L, 3);
        Histogram throttle = new Histogram(3_600_000_000L, 3);
        StepTable steps = new StepTable();
        long[] counts = new long[2];
        double[] lastFinish = {committedEpoch};
        // per fingerprint, how many of its units assembled the context when claimed (the read-ahead had not): every process
        java.util.Map<String, Integer> builds = new java.util.HashMap<>();
        herald.db().read("BurstBench.UNITS", c -> {
            try (PreparedStatement ps = c.prepareStatement(UNITS)) {
                ps.setLong(1, base);
                ps.setLong(2, base);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        counts[0]++;
                        if (!"done".equals(rs.getString("state"))) continue;
                        counts[1]++;
                        JsonNode t = Json.mapper().readTree(rs.getString("timings"));
                        builds.merge(rs.getString("fingerprint"), t.path("context_built").asBoolean() ? 1 : 0, Integer::sum);
                        double finished = rs.getDouble("finished_at");
                        lastFinish[0] = Math.max(lastFinish[0], finished);
                        double claimed = rs.getDouble("run_at") + t.path("wait_ms").asDouble() / 1000.0;
                        processing.recordValue(micros(finished - claimed));
                        work.recordValue(Math.round(t.path("total_ms").asDouble() * 1000));
                        double sent = rs.getDouble("sent_at");
                        if (!rs.wasNull()) e2e.recordValue(micros(sent - committedEpoch));
                        throttle.recordValue(Math.round(t.path("throttle_ms").asDouble() * 1000));
                        double stepSum = 0;
                        for (var it = t.fields(); it.hasNext(); ) {
                            Map.Entry<String, JsonNode> e = it.next();
                            String k = e.getKey();
                            if (!k.endsWith("_ms") || k.equals("total_ms") || k.equals("wait_ms")) continue;
                            steps.record(k.substring(0, k.length() - 3), Math.round(e.getValue().asDouble() * 1000));
                            stepSum += e.getValue().asDouble();
                        }
                        steps.record("batch wait + ack", Math.max(0, micros(finished - claimed) - Math.round(stepSum * 1000)));
                    }
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new java.sql.SQLException("unreadable timings", e);
            }
            return null;
        });
        long builtAtClaim = builds.values().stream().mapToInt(Integer::intValue).sum();
        return new Result(f.messages(), counts[0], counts[1], lastFinish[0] - committedEpoch, processing, work, e2e, throttle, steps,
                builds.size(), builtAtClaim);
    }

    private static long micros(double seconds) {
        return Math.max(0, Math.round(seconds * 1_000_000));
    }
}
