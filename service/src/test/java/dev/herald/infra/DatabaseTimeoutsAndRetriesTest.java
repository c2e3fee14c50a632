package dev.herald.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.config.HeraldConfig;
import dev.herald.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every rule of {@link Database} proven against the real server: timeouts, terminated backends, safe and unsafe retries. */
class DatabaseTimeoutsAndRetriesTest {
    static Database db;

    @BeforeAll
    static void open() throws Exception {
        HeraldConfig config = TestPostgres.freshConfig(Map.of(
                "db.statement-timeout", "300ms", "db.lock-timeout", "150ms",
                "db.retry-deadline", "8s", "db.retry-max-attempts", "8", "db.retry-base-delay", "10ms", "db.retry-max-delay", "50ms"));
        db = Database.open(DbSettings.from(config), new Metrics());
        db.write("test.setup", c -> c.createStatement().execute("CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0)"));
    }

    @AfterAll
    static void close() {
        db.close();
    }

    /** Holds an exclusive lock on t from another connection until the returned connection is closed. */
    private static Connection lockTable() throws Exception {
        Connection holder = db.openDedicated();
        holder.setAutoCommit(false);
        holder.createStatement().execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
        return holder;
    }

    /** Locks t as {@link #lockTable} does and lets go of it after 200 ms, while the caller's retries run. */
    private static void lockTableFor200Ms() throws Exception {
        Connection holder = lockTable();
        CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(200);
                holder.rollback();
                holder.close();
            } catch (Exception ignored) {
                // the operation under test then runs out of retries and fails its test
            }
        });
    }

    @Test
    void aReadBlockedOnALockTimesOutAndIsRetriedUntilTheAttemptsRunOut() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        try (Connection holder = lockTable()) {
            assertThatThrownBy(() -> db.read("test.blocked-read", c -> {
                attempts.incrementAndGet();
                try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM t")) {
                    return rs.next();
                }
            })).isInstanceOfSatisfying(DatabaseException.class, e -> {
                assertThat(e.kind()).isEqualTo(DatabaseException.Kind.TIMEOUT);
                assertThat(e.attempts()).isEqualTo(8);
                assertThat(e.getMessage()).contains("test.blocked-read failed after 8 attempts");
            });
            holder.rollback();
        }
        assertThat(attempts).hasValue(8);
    }

    @Test
    void aReadSucceedsWhenTheLockGoesAwayDuringItsRetries() throws Exception {
        lockTableFor200Ms();
        AtomicInteger attempts = new AtomicInteger();
        long n = db.read("test.read-after-unlock", c -> {
            attempts.incrementAndGet();
            try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM t WHERE id = 1")) {
                rs.next();
                return rs.getLong(1);
            }
        });
        assertThat(n).isEqualTo(1);
        assertThat(attempts.get()).isGreaterThan(1);
    }

    @Test
    void aWriteThatTimedOutIsNotRetriedBecauseItMayHaveCommitted() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        try (Connection holder = lockTable()) {
            assertThatThrownBy(() -> db.write("test.blocked-write", c -> {
                attempts.incrementAndGet();
                return c.createStatement().executeUpdate("UPDATE t SET v = v + 1 WHERE id = 1");
            })).isInstanceOfSatisfying(DatabaseException.class, e -> {
                assertThat(e.kind()).isEqualTo(DatabaseException.Kind.TIMEOUT);
                assertThat(e.attempts()).isEqualTo(1);
            });
            holder.rollback();
        }
        assertThat(attempts).hasValue(1);
    }

    @Test
    void aSingleStatementWriteRunsInAutocommitAndIsVisibleWhenItReturns() throws Exception {
        boolean autocommit = db.writeStatement("test.statement-write", c -> {
            c.createStatement().executeUpdate("INSERT INTO t VALUES (3, 7) ON CONFLICT (id) DO UPDATE SET v = 7");
            return c.getAutoCommit();
        });
        assertThat(autocommit).as("no transaction, so no COMMIT round trip").isTrue();
        try (Connection other = db.openDedicated(); ResultSet rs = other.createStatement().executeQuery("SELECT v FROM t WHERE id = 3")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(7);
        }
        // and the pool hands out transactional writes as before
        assertThat(db.write("test.after-statement-write", Connection::getAutoCommit)).isFalse();
    }

    /** The queue's one-statement writes are planned once per connection; every other operation keeps PostgreSQL's choice. */
    @Test
    void singleStatementWritesUseGenericPlansAndOtherOperationsDoNot() {
        SqlWork<String> mode = c -> {
            try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW plan_cache_mode")) {
                rs.next();
                return rs.getString(1);
            }
        };
        assertThat(db.writeStatement("test.mode", mode)).isEqualTo("force_generic_plan");
        assertThat(db.writeStatementIdempotent("test.mode", mode)).isEqualTo("force_generic_plan");
        assertThat(db.write("test.mode", mode)).isEqualTo("auto");
        assertThat(db.read("test.mode", mode)).isEqualTo("auto");
    }

    @Test
    void aSingleStatementWriteThatTimedOutIsNotRetriedButAnIdempotentOneIs() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        try (Connection holder = lockTable()) {
            assertThatThrownBy(() -> db.writeStatement("test.blocked-statement-write", c -> {
                attempts.incrementAndGet();
                return c.createStatement().executeUpdate("UPDATE t SET v = v + 1 WHERE id = 1");
            })).isInstanceOfSatisfying(DatabaseException.class, e -> assertThat(e.kind()).isEqualTo(DatabaseException.Kind.TIMEOUT));
            holder.rollback();
        }
        assertThat(attempts).hasValue(1);

        lockTableFor200Ms();
        AtomicInteger idempotent = new AtomicInteger();
        db.writeStatementIdempotent("test.idempotent-statement-write", c -> {
            idempotent.incrementAndGet();
            return c.createStatement().executeUpdate("INSERT INTO t VALUES (4, 9) ON CONFLICT (id) DO UPDATE SET v = 9");
        });
        assertThat(idempotent.get()).isGreaterThan(1);
        assertThat(value(4)).isEqualTo(9);
    }

    @Test
    void anIdempotentWriteIsRetriedAfterATimeout() throws Exception {
        lockTableFor200Ms();
        AtomicInteger attempts = new AtomicInteger();
        db.writeIdempotent("test.idempotent-write", c -> {
            attempts.incrementAndGet();
            return c.createStatement().executeUpdate("INSERT INTO t VALUES (2, 5) ON CONFLICT (id) DO UPDATE SET v = 5");
        });
        assertThat(attempts.get()).isGreaterThan(1);
        assertThat(value(2)).isEqualTo(5);
    }

    @Test
    void aReadWhoseBackendIsTerminatedIsRetriedOnANewConnection() {
        AtomicInteger attempts = new AtomicInteger();
        String result = db.read("test.terminated-read", c -> {
            if (attempts.incrementAndGet() == 1) {
                c.createStatement().execute("SET statement_timeout = '20s'"); // only termination can end this attempt
                terminateSoon(pid(c));
                c.createStatement().execute("SELECT pg_sleep(10)");
            }
            return "second try";
        });
        assertThat(result).isEqualTo("second try");
        assertThat(attempts).hasValue(2);
    }

    @Test
    void aWriteWhoseBackendIsTerminatedFailsWithoutARetry() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> db.write("test.terminated-write", c -> {
            attempts.incrementAndGet();
            c.createStatement().execute("SET LOCAL statement_timeout = '20s'"); // only termination can end this attempt
            terminateSoon(pid(c));
            c.createStatement().execute("UPDATE t SET v = v + 100 WHERE id = 1");
            c.createStatement().execute("SELECT pg_sleep(10)");
            return null;
        })).isInstanceOfSatisfying(DatabaseException.class, e -> assertThat(e.kind()).isEqualTo(DatabaseException.Kind.UNAVAILABLE));
        assertThat(attempts).hasValue(1);
        assertThat(value(1)).isLessThan(100);
    }

    @Test
    void aSerializationFailureRollsBackSoEvenAWriteIsRetried() {
        AtomicInteger attempts = new AtomicInteger();
        db.write("test.serialization", c -> {
            c.createStatement().executeUpdate("UPDATE t SET v = 42 WHERE id = 1");
            if (attempts.incrementAndGet() == 1) {
                c.createStatement().execute("DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = 'serialization_failure'; END $$");
            }
            return null;
        });
        assertThat(attempts).hasValue(2);
        assertThat(value(1)).isEqualTo(42);
    }

    @Test
    void aStatementCannotRunPastTheStatementTimeout() {
        assertThatThrownBy(() -> db.write("test.long", c -> c.createStatement().execute("SELECT pg_sleep(5)")))
                .isInstanceOfSatisfying(DatabaseException.class, e -> {
                    assertThat(e.sqlState()).isEqualTo("57014");
                    assertThat(e.attempts()).isEqualTo(1);
                });
    }

    @Test
    void eachNamedOperationIsTimedInTheMetrics() {
        db.read("test.timed", c -> c.createStatement().execute("SELECT 1"));
        assertThat(db.metrics().scrape()).contains("herald_db_query_seconds_count{outcome=\"ok\",query=\"test.timed\"} 1");
    }

    private static int pid(Connection c) throws java.sql.SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void terminateSoon(int pid) {
        CompletableFuture.runAsync(() -> {
            try (Connection admin = db.openDedicated(); Statement st = admin.createStatement()) {
                Thread.sleep(150);
                st.execute("SELECT pg_terminate_backend(" + pid + ")");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static int value(int id) {
        return db.read("test.value", c -> {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT v FROM t WHERE id = " + id)) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }
}
