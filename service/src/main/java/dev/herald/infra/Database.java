package dev.herald.infra;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Database access that cannot hang and retries only what is safe to retry.
 *
 * <p><b>Timeouts.</b> Every connection carries server-side {@code statement_timeout}, {@code lock_timeout} and
 * {@code idle_in_transaction_session_timeout} (settings {@code db.*}), plus a client socket timeout as the backstop for a
 * dead network. Long jobs ask for their own statement timeout with {@link #transaction(String, Duration, SqlWork)}.
 *
 * <p><b>Retries.</b> {@link #read} retries transient failures (timeouts, connection loss, server restart, serialization
 * failure, deadlock) with exponential backoff and jitter, at most {@code db.retry-max-attempts} attempts within
 * {@code db.retry-deadline} in total. {@link #write} runs in one transaction and retries only when the server certainly
 * rolled it back (serialization failure, deadlock) or nothing was sent (no connection): a write that timed out or lost its
 * connection may have committed, so it fails instead. {@link #writeIdempotent} is for writes that are safe to repeat
 * (upserts keyed by a natural key) and retries like a read. {@link #writeStatement} and
 * {@link #writeStatementIdempotent} run a single statement in autocommit (one round trip, no COMMIT), retried the same
 * ways, on a pool of their own ({@code db.statement-pool-size}) whose connections plan each prepared statement once
 * ({@code plan_cache_mode=force_generic_plan}). Left to choose, PostgreSQL kept re-planning the queue's claim and ack at
 * every call (their custom plans, knowing the batch's size, look cheaper than the generic one): 0.41 ms of planning
 * per claim, more than its 0.30 ms of execution, and 0.21 ms per ack, on the path of every unit. Those statements'
 * plans do not depend on their parameters (primary-key lookups, {@code LIMIT n} over the ready index; see
 * {@code QueuePlanTest}); a statement whose plan does belongs in {@link #write}.
 *
 * <p><b>Visibility.</b> Every operation is named; its latency goes to the {@code herald_db_query_seconds} histogram
 * tagged with that name and its outcome, and retries to {@code herald_db_retries_total}.
 *
 * <p><b>Local writes.</b> {@link #localWrites()} counts the write operations this instance finished (committed or not);
 * in-process caches compare it to know that a write made here may not have reached them through a change feed yet.
 * Work on raw connections from {@link #dataSource()} is not counted.
 *
 * <p><b>Settings.</b> Everything comes from one {@link DbSettings}, read and cross-checked once at start; the two retry
 * policies (reads and idempotent writes; other writes) are built from it once, in the constructor, and shared by every
 * call (Failsafe policies are immutable and thread-safe).
 *
 * <p>Thread-safe; share one instance per process.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource pool;
    /** For {@link #writeStatement} and {@link #writeStatementIdempotent}: generic plans (see the class comment). */
    private final HikariDataSource statementPool;
    private final EmbeddedPostgresServer embedded; // null for an external database
    private final Metrics metrics;
    private final DbSettings settings;
    /** Retries transient failures: for reads and writes that are safe to repeat. */
    private final RetryPolicy<Object> readRetries;
    /** Retries only failures after which the server surely rolled back or nothing was sent: for other writes. */
    private final RetryPolicy<Object> writeRetries;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong localWrites = new java.util.concurrent.atomic.AtomicLong();
    private final Map<String, Counter> retries = new ConcurrentHashMap<>();
    private final String jdbcUrl;
    private final String user;
    private final String password;

    private Database(DbSettings settings, Metrics metrics, EmbeddedPostgresServer embedded, String jdbcUrl, String user, String password) {
        this.settings = settings;
        this.metrics = metrics;
        this.embedded = embedded;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.readRetries = retryPolicy(settings, SqlFailures::transientForReads);
        this.writeRetries = retryPolicy(settings, SqlFailures::safeForAnyRetry);
        this.pool = pool(settings, "herald", settings.poolSize(), serverOptions(settings), jdbcUrl, user, password);
        try {
            this.statementPool = pool(settings, "herald-statements", settings.statementPoolSize(),
                    serverOptions(settings) + " -c plan_cache_mode=force_generic_plan", jdbcUrl, user, password);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    private static RetryPolicy<Object> retryPolicy(DbSettings settings, java.util.function.Predicate<Throwable> retryable) {
        return RetryPolicy.builder()
                .handleIf(retryable::test)
                .withBackoff(settings.retryBaseDelay(), settings.retryMaxDelay())
                .withJitter(0.5)
                .withMaxAttempts(settings.retryMaxAttempts())
                .withMaxDuration(settings.retryDeadline())
                .build();
    }

    private static HikariDataSource pool(DbSettings settings, String name, int size, String options, String jdbcUrl, String user,
                                         String password) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName(name);
        hc.setJdbcUrl(jdbcUrl);
        if (user != null) hc.setUsername(user);
        if (password != null) hc.setPassword(password);
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(Math.min(2, size));
        hc.setConnectionTimeout(settings.connectTimeout().toMillis());
        hc.setInitializationFailTimeout(settings.connectTimeout().toMillis());
        hc.addDataSourceProperty("options", options);
        hc.addDataSourceProperty("socketTimeout", Long.toString(Math.max(1, settings.socketTimeout().toSeconds())));
        hc.addDataSourceProperty("connectTimeout", Long.toString(Math.max(1, settings.connectTimeout().toSeconds())));
        hc.addDataSourceProperty("tcpKeepAlive", "true");
        hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        hc.addDataSourceProperty("ApplicationName", "herald");
        try {
            return new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new DatabaseException(DatabaseException.Kind.UNAVAILABLE, "connect", 1, SqlFailures.state(e),
                    "cannot connect to PostgreSQL at " + redact(jdbcUrl) + ": " + rootMessage(e), e);
        }
    }

    static String serverOptions(DbSettings settings) {
        return "-c statement_timeout=" + settings.statementTimeout().toMillis()
                + " -c lock_timeout=" + settings.lockTimeout().toMillis()
                + " -c idle_in_transaction_session_timeout=" + settings.idleInTransactionTimeout().toMillis();
    }

    /**
     * Opens the configured database (external when {@code database.url} is set, else the embedded one under
     * {@code data.dir}), migrates it with Flyway and enables {@code pg_stat_statements} where possible.
     */
    public static Database open(DbSettings settings, Metrics metrics) {
        return openWithoutMigrating(settings, metrics).migrate();
    }

    /**
     * Opens the configured database like {@link #open} but changes nothing in it: no migration, no extension. For a
     * restore, which must look at the target before it writes, then migrate it to the backup's version
     * ({@link #migrateTo}) and, after loading, forward ({@link #migrateToLatest}).
     */
    public static Database openWithoutMigrating(DbSettings settings, Metrics metrics) {
        var url = settings.url();
        if (url.isPresent()) {
            ExternalUrl ext = ExternalUrl.parse(url.get(), settings.user().orElse(null), settings.password().orElse(null));
            return new Database(settings, metrics, null, ext.jdbcUrl(), ext.user(), ext.password());
        }
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.startOrAttach(settings.dataDir(), settings.embeddedPort(),
                settings.embeddedStartTimeout(), settings.embeddedStopWait());
        pg.retain();
        try {
            return new Database(settings, metrics, pg, pg.jdbcUrl(), pg.user(), null);
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    /** The schema version Flyway last applied here, empty when this database has no Herald schema. */
    public java.util.Optional<String> schemaVersion() {
        return Migrations.current(pool);
    }

    /** Migrates up to {@code version} and no further (a restore recreates the backup's schema before loading it). */
    public void migrateTo(String version) {
        try {
            Migrations.migrate(pool, version);
        } catch (RuntimeException e) {
            throw new DatabaseException(DatabaseException.Kind.OTHER, "migrate", 1, SqlFailures.state(e),
                    "database migration to version " + version + " failed: " + rootMessage(e), e);
        }
    }

    /** Migrates to this code's newest version, as {@link #open} does; the caller still owns (and closes) this instance. */
    public void migrateToLatest() {
        try {
            Migrations.migrate(pool, null);
        } catch (RuntimeException e) {
            throw new DatabaseException(DatabaseException.Kind.OTHER, "migrate", 1, SqlFailures.state(e),
                    "database migration failed: " + rootMessage(e), e);
        }
        try (Connection c = pool.getConnection()) {
            c.createStatement().execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            c.createStatement().executeQuery("SELECT 1 FROM pg_stat_statements LIMIT 1").close();
        } catch (SQLException e) {
            log.warn("pg_stat_statements is not available on this server ({}); per-statement statistics are off. "
                    + "Add it to shared_preload_libraries to enable them.", e.getMessage());
        }
    }

    private Database migrate() {
        try {
            migrateToLatest();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    /** A read: retried on transient failures within the deadline. Autocommit; use {@link #transaction} for a snapshot across statements. */
    public <T> T read(String operation, SqlWork<T> work) {
        return execute(operation, work, true, false, null, false);
    }

    /** A long read in one read-only snapshot with its own statement timeout (recomputes, reports); retried like a read. */
    public <T> T readSnapshot(String operation, Duration statementTimeout, SqlWork<T> work) {
        return execute(operation, c -> {
            try (var st = c.createStatement()) {
                st.execute("SET TRANSACTION READ ONLY");
            }
            return work.run(c);
        }, true, true, statementTimeout, false);
    }

    /** A write in one transaction: retried only when the server surely rolled it back or nothing was sent. */
    public <T> T write(String operation, SqlWork<T> work) {
        return execute(operation, work, false, true, null, true);
    }

    /** A write that is safe to repeat (e.g. an upsert on a natural key): retried like a read. */
    public <T> T writeIdempotent(String operation, SqlWork<T> work) {
        return execute(operation, work, true, true, null, true);
    }

    /**
     * A write of ONE statement in autocommit: the statement is its own transaction (atomic, and committed when it
     * returns), in one round trip instead of the two of {@link #write} (which sends a COMMIT after it). Retried like
     * {@link #write}. For the hottest writes, whose round trips count in the latency of every unit of work they carry
     * (the queue's claim and ack); work that runs more than one statement must use {@link #write}, since each of its
     * statements would commit on its own here.
     */
    public <T> T writeStatement(String operation, SqlWork<T> work) {
        return execute(statementPool, operation, work, false, false, null, true);
    }

    /** {@link #writeStatement} for a statement that is safe to repeat: retried like a read. */
    public <T> T writeStatementIdempotent(String operation, SqlWork<T> work) {
        return execute(statementPool, operation, work, true, false, null, true);
    }

    /** A write transaction with its own statement timeout (for long jobs: seed, import, rebuild); not retried past rollback-safe failures. */
    public <T> T transaction(String operation, Duration statementTimeout, SqlWork<T> work) {
        return execute(operation, work, false, true, statementTimeout, true);
    }

    private <T> T execute(String operation, SqlWork<T> work, boolean retryLikeRead, boolean inTransaction, Duration statementTimeout,
                          boolean write) {
        return execute(pool, operation, work, retryLikeRead, inTransaction, statementTimeout, write);
    }

    private <T> T execute(HikariDataSource from, String operation, SqlWork<T> work, boolean retryLikeRead, boolean inTransaction,
                          Duration statementTimeout, boolean write) {
        AtomicInteger attempts = new AtomicInteger();
        long start = System.nanoTime();
        String outcome = "ok";
        try {
            return Failsafe.with(retryLikeRead ? readRetries : writeRetries).get(ctx -> {
                attempts.incrementAndGet();
                if (ctx.isRetry()) {
                    retryCounter(operation).increment();
                    Throwable last = ctx.getLastException();
                    log.debug("retrying {} after {}", operation, String.valueOf(last));
                }
                return once(from, work, inTransaction, statementTimeout);
            });
        } catch (FailsafeException e) {
            outcome = "error";
            throw translate(operation, attempts.get(), e.getCause() == null ? e : e.getCause());
        } catch (RuntimeException e) {
            outcome = "error";
            if (e instanceof DatabaseException) throw e;
            if (SqlFailures.sqlCause(e) != null) throw translate(operation, attempts.get(), e);
            throw e;
        } finally {
            if (write) localWrites.incrementAndGet();
            timer(operation, outcome).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private <T> T once(HikariDataSource from, SqlWork<T> work, boolean inTransaction, Duration statementTimeout) throws SQLException {
        try (Connection c = from.getConnection()) {
            if (!inTransaction) {
                return work.run(c);
            }
            c.setAutoCommit(false);
            int backend = statementTimeout != null ? longStatements(c, statementTimeout) : 0;
            try {
                if (statementTimeout != null) {
                    try (var st = c.createStatement()) {
                        st.execute("SET LOCAL statement_timeout = " + statementTimeout.toMillis());
                    }
                }
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                if (backend != 0 && SqlFailures.connectionLost(e)) cancelAbandoned(backend, e);
                try {
                    c.rollback();
                } catch (SQLException re) {
                    e.addSuppressed(re);
                }
                throw e;
            } finally {
                try {
                    c.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // a broken connection; Hikari evicts it
                }
            }
        }
    }

    /**
     * Prepares {@code c} for statements that may run up to {@code statementTimeout}: the client waits for an answer
     * that long plus {@code db.socket-timeout} (so the server's statement timeout always fires first and the client
     * reads its error; the socket timeout stays the backstop for a dead network, on top). Hikari restores the pool's
     * socket timeout when the connection returns. Answers the connection's server process id, for
     * {@link #cancelAbandoned}.
     */
    private int longStatements(Connection c, Duration statementTimeout) throws SQLException {
        c.setNetworkTimeout(Runnable::run, (int) Math.min(Integer.MAX_VALUE, statementTimeout.plus(settings.socketTimeout()).toMillis()));
        return c.unwrap(org.postgresql.PGConnection.class).getBackendPID();
    }

    /**
     * The client gave up on a long statement (its connection broke or timed out): ends that statement's server
     * process from a fresh connection, so the server stops running work nobody will read and releases its locks at
     * once (PostgreSQL would otherwise notice the dead client only when it next writes to it, minutes later). Best
     * effort: a failure is added to {@code failure} as suppressed.
     */
    private void cancelAbandoned(int backend, Throwable failure) {
        try (Connection fresh = openDedicated(); var ps = fresh.prepareStatement(CANCEL_ABANDONED)) {
            ps.setInt(1, backend);
            ps.execute();
            log.warn("the client gave up on a long statement; ended its server process {} so it stops and releases its locks", backend);
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Ends an abandoned long statement's server process: terminating cancels the statement and also ends the session,
     * whose client connection is gone anyway, so its transaction rolls back and its locks go at once.
     */
    static final String CANCEL_ABANDONED = "SELECT pg_terminate_backend(?)";

    private static DatabaseException translate(String operation, int attempts, Throwable t) {
        if (t instanceof DatabaseException d) return d;
        String st = SqlFailures.state(t);
        DatabaseException.Kind kind = SqlFailures.kindOf(t);
        String msg = operation + " failed" + (attempts > 1 ? " after " + attempts + " attempts" : "")
                + (st != null ? " [" + st + "]" : "") + ": " + rootMessage(t);
        return new DatabaseException(kind, operation, attempts, st, msg, t);
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    private Timer timer(String operation, String outcome) {
        return timers.computeIfAbsent(operation + "|" + outcome, k -> metrics.timer("herald.db.query",
                "Latency of each named database operation, retries included", "query", operation, "outcome", outcome));
    }

    private Counter retryCounter(String operation) {
        return retries.computeIfAbsent(operation, k -> Counter.builder("herald.db.retries")
                .description("Retries of named database operations").tag("query", operation).register(metrics.registry()));
    }

    /**
     * How many write operations ({@link #write}, {@link #writeIdempotent}, {@link #transaction}) have finished in this
     * instance; increases after the commit (or failure) of each. Monotonic.
     */
    public long localWrites() {
        return localWrites.get();
    }

    /** The pooled data source, for code that needs the raw driver (COPY, LISTEN). Statements still carry the timeouts. */
    public DataSource dataSource() {
        return pool;
    }

    /** Opens a connection outside the pool (e.g. a dedicated LISTEN connection or a long COPY). Caller closes it. */
    public Connection openDedicated() throws SQLException {
        var props = new java.util.Properties();
        if (user != null) props.setProperty("user", user);
        if (password != null) props.setProperty("password", password);
        props.setProperty("options", serverOptions(settings));
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("socketTimeout", Long.toString(settings.socketTimeout().toSeconds()));
        return java.sql.DriverManager.getConnection(jdbcUrl, props);
    }

    /** The JDBC URL (without password), e.g. to hand to a child process with {@code --database-url}. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** A URL that another process can use with {@code --database-url} (user included, password never). */
    public String shareableUrl() {
        String base = jdbcUrl.startsWith("jdbc:") ? jdbcUrl.substring(5) : jdbcUrl;
        if (user != null && !base.contains("user=")) {
            base += (base.contains("?") ? "&" : "?") + "user=" + user;
        }
        return base;
    }

    /** True when this process runs on the embedded server (owned or attached). */
    public boolean embedded() {
        return embedded != null;
    }

    public Metrics metrics() {
        return metrics;
    }

    static String redact(String url) {
        return url.replaceAll("password=[^&]*", "password=***").replaceAll("//([^:/@]+):[^@/]*@", "//$1:***@");
    }

    @Override
    public void close() {
        statementPool.close();
        pool.close();
        if (embedded != null) {
            embedded.release();
            embedded.close();
        }
    }
}
