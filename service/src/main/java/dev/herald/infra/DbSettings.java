package dev.herald.infra;

import dev.herald.config.CrossCheck;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link Database} is opened with: where the database is ({@code database.*}, or the embedded one under
 * {@code data.dir}, {@code embedded.*}), its pools, its timeouts and its retries ({@code db.*}). Immutable.
 *
 * <p>Refused at start: {@code db.retry-base-delay} longer than {@code db.retry-max-delay}, and a
 * {@code db.socket-timeout} not longer than {@code db.statement-timeout} (the client would abandon a statement the
 * server is still allowed to run: the connection is closed and the outcome of a write is unknown). Warned about: a
 * {@code db.lock-timeout} at or above {@code db.statement-timeout} (the statement timeout always fires first). Long
 * jobs' own statement timeouts ({@code seed.statement-timeout}, {@code current.rebuild-timeout}) may exceed
 * {@code db.socket-timeout}: their connection's socket timeout is raised above them for the job.
 *
 * @param url                     external PostgreSQL URL; empty = the embedded server
 * @param user                    user for {@code url}, when not in it
 * @param password                password for {@code url}; never logged
 * @param dataDir                 where the embedded server keeps its data
 * @param embeddedPort            the embedded server's port; 0 = a free one
 * @param embeddedStartTimeout    how long the embedded server may take to start
 * @param poolSize                connections of the main pool
 * @param statementPoolSize       connections of the pool for one-statement writes (generic plans)
 * @param connectTimeout          wait for a pooled or new connection
 * @param statementTimeout        server-side {@code statement_timeout} of every statement
 * @param lockTimeout             server-side {@code lock_timeout}
 * @param idleInTransactionTimeout server-side {@code idle_in_transaction_session_timeout}
 * @param socketTimeout           client-side socket read timeout (whole seconds on the wire, at least 1)
 * @param retryDeadline           total time of a retried operation, all attempts
 * @param retryMaxAttempts        attempts of a retried operation, the first included
 * @param retryBaseDelay          first backoff delay (doubling, jittered)
 * @param retryMaxDelay           largest backoff delay
 */
public record DbSettings(Optional<String> url, Optional<String> user, Optional<String> password, Path dataDir, int embeddedPort,
                         Duration embeddedStartTimeout, int poolSize, int statementPoolSize, Duration connectTimeout,
                         Duration statementTimeout, Duration lockTimeout, Duration idleInTransactionTimeout, Duration socketTimeout,
                         Duration retryDeadline, int retryMaxAttempts, Duration retryBaseDelay, Duration retryMaxDelay,
                         Duration embeddedStopWait) {
    private static final Logger log = LoggerFactory.getLogger(DbSettings.class);

    @Override
    public String toString() { // never the password
        return "DbSettings[url=" + url.map(Database::redact).orElse("embedded") + ", poolSize=" + poolSize + "]";
    }

    /**
     * Reads and cross-checks the database settings; logs a warning for each combination that works but does not do
     * what it says (see the class comment).
     *
     * @throws dev.herald.config.ConfigException naming both settings of each refused combination
     */
    public static DbSettings from(HeraldConfig config) {
        CrossCheck.of(config)
                .atMost(Settings.DB_RETRY_BASE_DELAY, Settings.DB_RETRY_MAX_DELAY,
                        "the first backoff delay would already be above the largest one")
                .below(Settings.DB_STATEMENT_TIMEOUT, Settings.DB_SOCKET_TIMEOUT,
                        "the client would give up on statements the server still runs, closing their connections with "
                                + "their outcome unknown")
                .orThrow();
        hazards(config).forEach(h -> log.warn("starting, but {}", h));
        return new DbSettings(config.get(Settings.DATABASE_URL), config.get(Settings.DATABASE_USER),
                config.get(Settings.DATABASE_PASSWORD), config.get(Settings.DATA_DIR), config.get(Settings.EMBEDDED_PORT),
                config.get(Settings.EMBEDDED_START_TIMEOUT), config.get(Settings.DB_POOL_SIZE),
                config.get(Settings.DB_STATEMENT_POOL_SIZE), config.get(Settings.DB_CONNECT_TIMEOUT),
                config.get(Settings.DB_STATEMENT_TIMEOUT), config.get(Settings.DB_LOCK_TIMEOUT),
                config.get(Settings.DB_IDLE_IN_TX_TIMEOUT), config.get(Settings.DB_SOCKET_TIMEOUT),
                config.get(Settings.DB_RETRY_DEADLINE), config.get(Settings.DB_RETRY_MAX_ATTEMPTS),
                config.get(Settings.DB_RETRY_BASE_DELAY), config.get(Settings.DB_RETRY_MAX_DELAY), config.get(Settings.EMBEDDED_STOP_WAIT));
    }

    /**
     * Combinations that Herald runs with but that do not do what they say. (Long jobs with their own statement timeout,
     * {@code seed.statement-timeout} and {@code current.rebuild-timeout}, are not among them: their connection waits
     * that timeout plus {@code db.socket-timeout}, see {@link Database#transaction}.)
     */
    static List<String> hazards(HeraldConfig config) {
        CrossCheck check = CrossCheck.of(config);
        check.below(Settings.DB_LOCK_TIMEOUT, Settings.DB_STATEMENT_TIMEOUT,
                "the statement timeout always fires first, so the lock timeout never does");
        return check.problems();
    }
}
