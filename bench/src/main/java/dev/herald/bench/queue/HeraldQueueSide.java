package dev.herald.bench.queue;

import dev.herald.infra.Database;
import dev.herald.pipeline.PipelineSettings;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Herald's side: no-op work units in {@code work_units} (one bench organization and contact), drained by N consumer
 * threads that each claim a batch with the consumers' own claim statement and claim sizing, lease it, and ack the whole batch in one
 * statement; nothing is delivered. Not thread-safe: one run at a time.
 */
final class HeraldQueueSide {
    static final UUID ORG = UUID.fromString("0b0e0000-0000-4000-8000-00000000a001");
    static final UUID CONTACT = UUID.fromString("0b0e0000-0000-4000-8000-00000000c001");

    private final Database db;
    private final int consumers;
    private final int batchSize;
    private final int batchMax;
    private final Duration lease;
    private final int maxAttempts;

    HeraldQueueSide(Database db, PipelineSettings work, int consumers, Integer batchSize) {
        this.db = db;
        this.consumers = consumers;
        // a fixed --batch pins the claim size; otherwise the consumers' own sizing (work.batch-size doubling to work.batch-max)
        this.batchSize = batchSize != null ? batchSize : work.batchSize();
        this.batchMax = batchSize != null ? batchSize : work.batchMax();
        this.lease = work.lease();
        this.maxAttempts = work.maxAttempts();
    }

    int batchSize() { return batchSize; }

    int batchMax() { return batchMax; }

    SideResult run(int tasks, Duration timeout) throws InterruptedException {
        List<UUID> expected = setUp(tasks);
        analyze();
        QueueDriver queue = new QueueDriver(db);
        Tally tally = new Tally();
        AtomicInteger acked = new AtomicInteger();
        String name = "queue-bench:" + ProcessHandle.current().pid();
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < consumers; i++) {
            threads.add(Thread.ofVirtual().name("queue-bench-" + i).start(() -> {
                QueueDriver.Claimer claimer = queue.claimer(batchSize, batchMax, maxAttempts, lease, name);
                while (acked.get() < tasks && System.nanoTime() < deadline) {
                    List<UUID> batch = claimer.claim();
                    if (batch.isEmpty()) {
                        sleep(2); // the rest is in other consumers' hands (or on its way back after a failed ack)
                        continue;
                    }
                    batch.forEach(tally::executed);
                    acked.addAndGet(queue.ackDone(batch, name));
                }
            }));
        }
        for (Thread t : threads) t.join();
        long end = System.nanoTime();
        long notDone = db.read("QueueBench.NOT_DONE", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM work_units WHERE organization_id = ? AND state <> 'done'")) {
                ps.setObject(1, ORG);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        long lost = Math.max(tally.lost(expected), notDone);
        tearDown();
        return new SideResult("herald", tasks, (end - start) / 1e9, tally.executions(), tally.duplicates(), lost);
    }

    private List<UUID> setUp(int tasks) {
        tearDown();
        return db.write("QueueBench.SET_UP", c -> {
            try (var st = c.createStatement()) {
                st.execute("INSERT INTO organizations (id, name) VALUES ('" + ORG + "', 'queue bench') ON CONFLICT (id) DO NOTHING");
                st.execute("INSERT INTO contacts (id, organization_id, channel, target, secret) VALUES ('" + CONTACT + "', '" + ORG
                        + "', 'webhook', 'http://127.0.0.1:9/never', 'whsec_cXVldWViZW5jaHF1ZXVlYmVuY2g=') ON CONFLICT (id) DO NOTHING");
            }
            List<UUID> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO work_units (id, organization_id, subject_type, subject_id, event, contact_id, channel, fingerprint, run_at)
                    SELECT gen_random_uuid(), ?, 'incident', gen_random_uuid(), 'bench.noop', ?, 'webhook', 'noop:' || g,
                           now() - interval '1 second'
                    FROM generate_series(1, ?) g RETURNING id""")) {
                ps.setObject(1, ORG);
                ps.setObject(2, CONTACT);
                ps.setInt(3, tasks);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) ids.add(rs.getObject(1, UUID.class));
                }
            }
            return ids;
        });
    }

    private void tearDown() {
        db.write("QueueBench.TEAR_DOWN", c -> {
            try (var st = c.createStatement()) {
                st.execute("DELETE FROM work_units WHERE organization_id = '" + ORG + "'");
                st.execute("DELETE FROM work_units_done WHERE organization_id = '" + ORG + "'");
            }
            return null;
        });
    }

    /**
     * VACUUM ANALYZE, as the peer's fresh table gets: the previous run's deleted rows would otherwise sit in the
     * indexes the claims walk. (A read runs in autocommit, and VACUUM cannot run in a transaction.)
     */
    private void analyze() {
        db.read("QueueBench.VACUUM_ANALYZE", c -> {
            try (var st = c.createStatement()) {
                st.execute("VACUUM ANALYZE work_units");
            }
            return null;
        });
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
