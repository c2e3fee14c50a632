package dev.herald.bench.queue;

import dev.herald.infra.Database;
import dev.herald.pipeline.ClaimSize;
import dev.herald.pipeline.WorkQueue;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Herald's queue operations without any delivery, for benchmarks and tools: claim a batch under a lease with the same
 * statement the consumers use ({@code FOR UPDATE SKIP LOCKED}), and ack a batch as done in one statement, guarded by the
 * lease holder. Thread-safe.
 */
public final class QueueDriver {
    private final WorkQueue queue;

    public QueueDriver(Database db) {
        this.queue = new WorkQueue(db);
    }

    /** Claims up to {@code batchSize} ready work units for {@code consumer}; answers their ids (empty when none is ready). */
    public List<UUID> claim(int batchSize, int maxAttempts, Duration lease, String consumer) {
        return queue.claimIds(batchSize, maxAttempts, lease, consumer);
    }

    /**
     * One consumer's claims sized as the consumer pool sizes them ({@link ClaimSize}: from {@code batchSize}, doubling
     * after a full claim up to {@code batchMax}). Not thread-safe: one per consumer thread.
     */
    public Claimer claimer(int batchSize, int batchMax, int maxAttempts, Duration lease, String consumer) {
        return new Claimer(new ClaimSize(batchSize, batchMax), maxAttempts, lease, consumer);
    }

    /** See {@link #claimer}. */
    public final class Claimer {
        private final ClaimSize size;
        private final int maxAttempts;
        private final Duration lease;
        private final String consumer;

        private Claimer(ClaimSize size, int maxAttempts, Duration lease, String consumer) {
            this.size = size;
            this.maxAttempts = maxAttempts;
            this.lease = lease;
            this.consumer = consumer;
        }

        /** Claims the next batch; answers the ids (empty when none is ready). */
        public List<UUID> claim() {
            int want = size.next();
            List<UUID> got = QueueDriver.this.claim(want, maxAttempts, lease, consumer);
            size.claimed(want, got.size());
            return got;
        }
    }

    /** Marks claimed work units done in one statement (only those still leased by {@code consumer}); answers how many changed. */
    public int ackDone(List<UUID> ids, String consumer) {
        return queue.ackDone(ids, consumer);
    }
}
