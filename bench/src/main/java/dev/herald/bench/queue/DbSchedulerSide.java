package dev.herald.bench.queue;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import javax.sql.DataSource;

/**
 * The peer: the same no-op tasks through db-scheduler with its fastest documented polling strategy, lock-and-fetch
 * (one {@code UPDATE ... FOR UPDATE SKIP LOCKED ... RETURNING} picks a batch; each execution's completion is its own
 * commit, a DELETE for a one-time task). Its table lives in its own schema, created from db-scheduler's documented
 * PostgreSQL DDL and dropped before every run. Not thread-safe: one run at a time.
 */
final class DbSchedulerSide {
    static final String SCHEMA = "bench_dbscheduler";
    static final String TABLE = SCHEMA + ".scheduled_tasks";
    static final String TASK = "herald-bench-noop";
    private static final String[] DDL = {
            "DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE",
            "CREATE SCHEMA " + SCHEMA,
            """
            CREATE TABLE %s (
              task_name text NOT NULL,
              task_instance text NOT NULL,
              task_data bytea,
              execution_time timestamp with time zone NOT NULL,
              picked boolean NOT NULL,
              picked_by text,
              last_success timestamp with time zone,
              last_failure timestamp with time zone,
              consecutive_failures int,
              last_heartbeat timestamp with time zone,
              version bigint NOT NULL,
              priority smallint,
              PRIMARY KEY (task_name, task_instance))""".formatted(TABLE),
            "CREATE INDEX execution_time_idx ON " + TABLE + " (execution_time)",
            "CREATE INDEX last_heartbeat_idx ON " + TABLE + " (last_heartbeat)",
            "CREATE INDEX priority_execution_time_idx ON " + TABLE + " (priority DESC, execution_time ASC)"};

    /** How db-scheduler is configured: executor threads, polling interval, lock-and-fetch limits. */
    record Config(int threads, Duration pollingInterval, double lowerLimitFractionOfThreads, double upperLimitFractionOfThreads) {}

    private final DataSource ds;
    private final Config config;

    DbSchedulerSide(DataSource ds, Config config) {
        this.ds = ds;
        this.config = config;
    }

    SideResult run(int tasks, Duration timeout) throws InterruptedException {
        BenchDataSources.exec(ds, DDL);
        BenchDataSources.exec(ds, "INSERT INTO " + TABLE + " (task_name, task_instance, execution_time, picked, version, priority) "
                + "SELECT '" + TASK + "', 't' || g, now() - interval '1 second', false, 1, " + OneTimeTask.DEFAULT_PRIORITY
                + " FROM generate_series(0, " + (tasks - 1) + ") g", "VACUUM ANALYZE " + TABLE);
        Tally tally = new Tally();
        OneTimeTask<Void> noop = Tasks.oneTime(TASK).execute((instance, ctx) -> tally.executed(instance.getId()));
        Scheduler scheduler = Scheduler.create(ds, noop)
                .tableName(TABLE)
                .threads(config.threads())
                .pollingInterval(config.pollingInterval())
                .pollUsingLockAndFetch(config.lowerLimitFractionOfThreads(), config.upperLimitFractionOfThreads())
                .shutdownMaxWait(Duration.ofSeconds(5))
                .build();
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long end;
        scheduler.start();
        try {
            // Done when every task ran and its completion (the DELETE) committed: the table is empty.
            while (System.nanoTime() < deadline) {
                if (tally.distinct() >= tasks && BenchDataSources.queryLong(ds, "SELECT count(*) FROM " + TABLE) == 0) break;
                Thread.sleep(tally.distinct() >= tasks ? 2 : 10);
            }
        } finally {
            end = System.nanoTime();
            scheduler.stop();
        }
        long left = BenchDataSources.queryLong(ds, "SELECT count(*) FROM " + TABLE);
        List<String> expected = IntStream.range(0, tasks).mapToObj(i -> "t" + i).toList();
        long lost = Math.max(tally.lost(expected), left);
        BenchDataSources.exec(ds, "DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        return new SideResult("db-scheduler", tasks, (end - start) / 1e9, tally.executions(), tally.duplicates(), lost);
    }
}
