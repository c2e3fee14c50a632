package dev.herald.bench.queue;

import dev.herald.Herald;
import dev.herald.bench.BenchReport;
import dev.herald.cli.DbOptions;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./herald bench queue}: the same no-op tasks through Herald's queue alone (claim, lease, ack; no delivery) and
 * through db-scheduler (lock-and-fetch), with the same number of consumer threads, on the same PostgreSQL, in one run,
 * both with durable commits. Writes {@code bench-results/queue.json}.
 */
@Command(name = "queue", mixinStandardHelpOptions = true,
        description = "Herald's queue against db-scheduler (lock-and-fetch): no-op tasks, same threads, same database.")
public final class QueueBench implements Callable<Integer> {
    /**
     * Tasks per side in a --quick run: enough that each of the 75 consumers' connections runs its statements often
     * enough to be prepared on the server and the claims reach their full size. At 3,000 most statements ran on a
     * connection's first uses, and the ratio measured start-up (1.26-1.65 against 1.9-2.6 in full runs).
     */
    static final int QUICK_TASKS = 10_000;

    @Mixin DbOptions db;

    @Option(names = "--tasks", defaultValue = "20000", description = "No-op tasks per side. Default: ${DEFAULT-VALUE}")
    int tasks;

    @Option(names = "--consumers", defaultValue = "75", description = "Consumer threads per side. Default: ${DEFAULT-VALUE}")
    int consumers;

    @Option(names = "--poll-ms", defaultValue = "100", description = "db-scheduler polling interval. Default: ${DEFAULT-VALUE}")
    long pollMs;

    @Option(names = "--lower-fraction", defaultValue = "0.5", description = "db-scheduler lock-and-fetch lowerLimitFractionOfThreads. Default: ${DEFAULT-VALUE}")
    double lower;

    @Option(names = "--upper-fraction", defaultValue = "1.0", description = "db-scheduler lock-and-fetch upperLimitFractionOfThreads. Default: ${DEFAULT-VALUE}")
    double upper;

    @Option(names = "--batch", description = "Pin Herald's claim size (default: the consumers' own sizing, work.batch-size doubling up to work.batch-max)")
    Integer batch;

    @Option(names = "--quick", description = "A short run for the performance gate (10,000 tasks per side)")
    boolean quick;

    @Option(names = "--timeout-s", defaultValue = "300", description = "Give up on a side after this long. Default: ${DEFAULT-VALUE}")
    long timeoutS;

    private int heraldBatch;
    private int heraldBatchMax;

    @Override
    public Integer call() throws Exception {
        int n = quick ? Math.min(tasks, QUICK_TASKS) : tasks;
        if (n < 1 || consumers < 1) throw new IllegalArgumentException("--tasks and --consumers must be at least 1");
        Duration timeout = Duration.ofSeconds(timeoutS);
        // Herald's pool gets a connection per consumer plus room for heartbeats, like db-scheduler's below.
        try (Herald herald = Herald.open(db.load(Map.of("db.pool-size", Integer.toString(consumers + 5))))) {
            var dbsPool = BenchDataSources.pool(herald, "bench-dbscheduler", consumers + 5);
            try (dbsPool) {
                String syncHerald = BenchDataSources.show(herald.db().dataSource(), "synchronous_commit");
                String syncPeer = BenchDataSources.show(dbsPool, "synchronous_commit");
                String fsync = BenchDataSources.show(dbsPool, "fsync");
                System.err.printf("draining %,d no-op tasks per side with %d consumers (synchronous_commit %s/%s, fsync %s)%n",
                        n, consumers, syncHerald, syncPeer, fsync);
                HeraldQueueSide heraldQueue = new HeraldQueueSide(herald.db(), herald.settings().pipeline(), consumers, batch);
                heraldBatch = heraldQueue.batchSize();
                heraldBatchMax = heraldQueue.batchMax();
                DbSchedulerSide peerQueue = new DbSchedulerSide(dbsPool, new DbSchedulerSide.Config(consumers, Duration.ofMillis(pollMs), lower, upper));
                // Unmeasured warm-up of both sides, the same size: fills Herald's connection pool (db-scheduler's pool
                // is pre-filled) and warms the JIT for both, so a short run compares the queues, not their first seconds.
                int warmUp = Math.max(consumers * 4, n / 3);
                heraldQueue.run(warmUp, timeout);
                peerQueue.run(warmUp, timeout);
                SideResult heraldSide = heraldQueue.run(n, timeout);
                System.err.printf("herald:       %,.0f/s%n", heraldSide.perSecond());
                SideResult peer = peerQueue.run(n, timeout);
                System.err.printf("db-scheduler: %,.0f/s%n", peer.perSecond());
                report(n, heraldSide, peer, syncHerald, syncPeer, fsync).finish();
                return 0;
            }
        }
    }

    private BenchReport report(int n, SideResult h, SideResult p, String syncHerald, String syncPeer, String fsync) {
        double ratio = p.perSecond() > 0 ? h.perSecond() / p.perSecond() : 0;
        BenchReport r = new BenchReport("queue");
        r.header("queue", "tasks", "drain s", "per s", "executions", "duplicates", "lost");
        for (SideResult s : new SideResult[] {h, p}) {
            r.row(s.name(), Integer.toString(s.tasks()), fmt("%.2f", s.seconds()), fmt("%,.0f", s.perSecond()),
                    Long.toString(s.executions()), Long.toString(s.duplicates()), Long.toString(s.lost()));
        }
        r.row("ratio", "", "", fmt("%.2fx", ratio), "", "", "");
        var j = r.json();
        j.put("tasks", n);
        j.put("consumers", consumers);
        j.put("quick", quick);
        j.put("herald_per_s", round(h.perSecond()));
        j.put("dbscheduler_per_s", round(p.perSecond()));
        j.put("ratio", Math.round(ratio * 1000) / 1000.0);
        j.put("herald_seconds", round(h.seconds()));
        j.put("dbscheduler_seconds", round(p.seconds()));
        j.put("herald_duplicates", h.duplicates());
        j.put("herald_lost", h.lost());
        j.put("dbscheduler_duplicates", p.duplicates());
        j.put("dbscheduler_lost", p.lost());
        j.put("duplicates", h.duplicates() + p.duplicates());
        j.put("lost", h.lost() + p.lost());
        j.put("synchronous_commit", syncHerald + "/" + syncPeer);
        j.put("fsync", fsync);
        j.put("herald_batch_size", heraldBatch);
        j.put("herald_batch_max", heraldBatchMax);
        j.put("dbscheduler_strategy", fmt("lock-and-fetch(%.2f, %.2f), %d threads, %d ms polling", lower, upper, consumers, pollMs));
        return r;
    }

    private static String fmt(String f, Object... a) {
        return String.format(Locale.ROOT, f, a);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
