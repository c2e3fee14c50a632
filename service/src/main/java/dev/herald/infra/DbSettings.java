package dev.herald.infra;

import dev.herald.config.CrossCheck;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import java.time.Duration;

/**
 * The database access settings ({@code db.*}), read once and checked together when Herald starts.
 *
 * <p><b>Hazards it refuses.</b> A client socket timeout at or below the statement timeout abandons statements the
 * server is still running (the client gives up first, the server keeps the locks); a first retry delay above the
 * largest one, or a largest delay beyond the whole retry deadline, leaves a retry policy that cannot do what it says.
 * Immutable.
 */
public record DbSettings(int poolSize, int statementPoolSize, Duration connectTimeout, Duration statementTimeout,
                         Duration lockTimeout, Duration idleInTransactionTimeout, Duration socketTimeout,
                         Duration retryDeadline, int retryMaxAttempts, Duration retryBaseDelay, Duration retryMaxDelay) {

    /** Reads and cross-checks the settings; {@link dev.herald.config.ConfigException} naming both settings otherwise. */
    public static DbSettings from(HeraldConfig c) {
        CrossCheck.shorter(c, Settings.DB_STATEMENT_TIMEOUT, Settings.DB_SOCKET_TIMEOUT,
                "the client would give up on statements the server is still running");
        CrossCheck.atMost(c, Settings.DB_RETRY_BASE_DELAY, Settings.DB_RETRY_MAX_DELAY, "the backoff starts at the first and doubles up to the second");
        CrossCheck.shorter(c, Settings.DB_RETRY_MAX_DELAY, Settings.DB_RETRY_DEADLINE, "a single backoff would use up the whole retry deadline");
        return new DbSettings(c.get(Settings.DB_POOL_SIZE), c.get(Settings.DB_STATEMENT_POOL_SIZE), c.get(Settings.DB_CONNECT_TIMEOUT),
                c.get(Settings.DB_STATEMENT_TIMEOUT), c.get(Settings.DB_LOCK_TIMEOUT), c.get(Settings.DB_IDLE_IN_TX_TIMEOUT),
                c.get(Settings.DB_SOCKET_TIMEOUT), c.get(Settings.DB_RETRY_DEADLINE), c.get(Settings.DB_RETRY_MAX_ATTEMPTS),
                c.get(Settings.DB_RETRY_BASE_DELAY), c.get(Settings.DB_RETRY_MAX_DELAY));
    }

    /** The server-side timeouts every connection sets ({@code options} of the JDBC connection). */
    String serverOptions() {
        return "-c statement_timeout=" + statementTimeout.toMillis() + " -c lock_timeout=" + lockTimeout.toMillis()
                + " -c idle_in_transaction_session_timeout=" + idleInTransactionTimeout.toMillis();
    }
}
