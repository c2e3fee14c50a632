package dev.herald.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.testing.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The queue's statements against a real database: disjoint claims, lease guards, reclaim, pruning, redrive. */
class WorkQueueTest {
    static Herald herald;
    static WorkQueue queue;

    @BeforeAll
    static void open() {
        herald = Herald.open(TestPostgres.freshConfig());
        queue = new WorkQueue(herald.db());
    }

    @AfterAll
    static void close() {
        herald.close();
    }

    private Fixtures freshOrgWithWork(int incidents) {
        Fixtures f = new Fixtures(herald.db(), herald.organizations().create("Q " + UUID.randomUUID(), null, false, null).id());
        f.contact("http://127.0.0.1:1/x", "{}");
        f.incidents(incidents);
        return f;
    }

    private static WorkQueue.Completion done(WorkQueue.Claimed c) {
        return new WorkQueue.Completion(c.unit().id(), "done", 0, 0, null, "{\"outcome\":\"delivered\"}");
    }

    @Test
    void concurrentClaimsNeverShareAUnit() throws Exception {
        freshOrgWithWork(200);
        Set<UUID> seen = ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger claimed = new java.util.concurrent.atomic.AtomicInteger();
        for (int t = 0; t < 8; t++) {
            String consumer = "c" + t;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                List<WorkQueue.Claimed> batch;
                while (!(batch = queue.claim(7, 5, Duration.ofMinutes(1), consumer)).isEmpty()) {
                    for (var c : batch) {
                        assertThat(seen.add(c.unit().id())).as("claimed twice: " + c.unit().id()).isTrue();
                        assertThat(c.unit().state()).isEqualTo("running");
                        assertThat(c.unit().attempts()).isEqualTo(1);
                        claimed.incrementAndGet();
                    }
                    queue.complete(batch.stream().map(WorkQueueTest::done).toList(), consumer);
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) t.join();
        assertThat(claimed.get()).isEqualTo(200);
    }

    @Test
    void onlyTheLeaseHolderCanHeartbeatOrAckAndExpiredLeasesAreReclaimed() throws Exception {
        Fixtures f = freshOrgWithWork(3);
        List<WorkQueue.Claimed> batch = queue.claim(3, 2, Duration.ofMillis(300), "a");
        assertThat(batch).hasSize(3);
        List<UUID> ids = batch.stream().map(c -> c.unit().id()).toList();
        assertThat(queue.heartbeat(ids, Duration.ofMillis(300), "b")).isZero();
        assertThat(queue.complete(batch.stream().map(WorkQueueTest::done).toList(), "b")).isZero();

        Thread.sleep(400);
        assertThat(queue.reclaimExpired(100)).isEqualTo(3);
        assertThat(queue.find(ids.get(0)).orElseThrow().state()).isEqualTo("queued");
        assertThat(queue.find(ids.get(0)).orElseThrow().lastError()).contains("lease expired");
        // "a" lost its lease: its late ack changes nothing; the new holder's does.
        assertThat(queue.complete(batch.stream().map(WorkQueueTest::done).toList(), "a")).isZero();

        List<WorkQueue.Claimed> again = queue.claim(3, 2, Duration.ofMillis(300), "b");
        assertThat(again).hasSize(3).allSatisfy(c -> assertThat(c.unit().attempts()).isEqualTo(2));
        Thread.sleep(400);
        // Out of attempts when the lease expires again: dead, visible, redrivable.
        assertThat(queue.reclaimExpired(100)).isEqualTo(3);
        assertThat(queue.find(ids.get(0)).orElseThrow().state()).isEqualTo("dead");
        assertThat(queue.redrive(f.org, ids.get(0))).isEqualTo(WorkQueue.Redrive.REDRIVEN);
        assertThat(queue.find(ids.get(0)).orElseThrow().attempts()).isZero();
        assertThat(queue.redrive(f.org, ids.get(0))).isEqualTo(WorkQueue.Redrive.NOT_DEAD);
        assertThat(queue.redrive(UUID.randomUUID(), ids.get(1))).isEqualTo(WorkQueue.Redrive.NOT_FOUND);
    }

    @Test
    void aRetryWaitsForItsBackoffAndFinishedWorkMovesOutOfTheHotTable() {
        Fixtures f = freshOrgWithWork(2);
        List<WorkQueue.Claimed> batch = queue.claim(2, 5, Duration.ofMinutes(1), "a");
        var retry = new WorkQueue.Completion(batch.get(0).unit().id(), "queued", 0, 60_000, "receiver answered 503", "{}");
        assertThat(queue.complete(List.of(retry, done(batch.get(1))), "a")).isEqualTo(2);
        assertThat(queue.claim(1000, 5, Duration.ofMinutes(1), "a")).as("backing off")
                .noneMatch(c -> c.unit().id().equals(retry.id()));

        UUID finished = batch.get(1).unit().id();
        assertThat(queue.moveFinished(Duration.ZERO, Duration.ofDays(1), 1000)).isGreaterThanOrEqualTo(1);
        assertThat(f.count("SELECT count(*) FROM work_units WHERE id = ?", finished)).isZero();
        assertThat(f.count("SELECT count(*) FROM work_units_done WHERE id = ?", finished)).isEqualTo(1);
        assertThat(queue.find(finished).orElseThrow().state()).isEqualTo("done");
        assertThat(queue.find(batch.get(0).unit().id()).orElseThrow().state()).isEqualTo("queued");
        var g = queue.gauges();
        assertThat(g.queued()).isGreaterThanOrEqualTo(1);
        assertThat(g.oldestSeconds()).isGreaterThanOrEqualTo(0.0);
    }

    /**
     * The delivery claim commits asynchronously through a transaction-local setting: the pooled connection it ran on must
     * come back with durable commits, or the next statement on it (an ack, whose outcome must survive a crash) would
     * silently lose its durability.
     */
    @Test
    void theDeliveryClaimsAsynchronousCommitDoesNotLeakIntoTheNextStatementOnItsConnection() {
        try (Herald one = Herald.open(TestPostgres.freshConfig(java.util.Map.of("db.pool-size", "2")))) {
            Fixtures f = new Fixtures(one.db(), one.organizations().create("A " + UUID.randomUUID(), null, false, null).id());
            f.contact("http://127.0.0.1:1/x", "{}");
            f.incidents(3);
            WorkQueue q = new WorkQueue(one.db());
            List<WorkQueue.Claimed> claimed = q.claimForDelivery(10, 5, Duration.ofMinutes(1), "a");
            assertThat(claimed).hasSize(3);
            // Both connections of the pool at once: one of them ran the claim.
            List<String> settings = new ArrayList<>();
            try (var c1 = one.db().dataSource().getConnection(); var c2 = one.db().dataSource().getConnection()) {
                for (var c : List.of(c1, c2)) {
                    try (var st = c.createStatement(); var rs = st.executeQuery("SHOW synchronous_commit")) {
                        rs.next();
                        settings.add(rs.getString(1));
                    }
                }
            } catch (java.sql.SQLException e) {
                throw new AssertionError(e);
            }
            assertThat(settings).as("synchronous_commit on the pool's connections after the claim").containsExactly("on", "on");
            assertThat(f.count("SELECT count(*) FROM work_units WHERE organization_id = ? AND state = 'running' AND leased_by = 'a'", f.org))
                    .as("the claim committed").isEqualTo(3);
        }
    }
}
