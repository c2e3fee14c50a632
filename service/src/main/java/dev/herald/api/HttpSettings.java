package dev.herald.api;

import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import java.time.Duration;

/**
 * The HTTP server's settings ({@code http.*}, {@code metrics.open-on-loopback}) and how long a verified API key is
 * remembered ({@code cache.ttl.api-keys}). Immutable.
 *
 * @param host                  address the API binds to
 * @param port                  port; 0 = a free one
 * @param maxBodyBytes          largest request body accepted
 * @param shutdownGrace         on stop, how long in-flight requests may take to finish
 * @param metricsOpenOnLoopback {@code GET /metrics} needs no key from loopback
 * @param logRequests           one access-log line per request
 * @param apiKeysTtl            how long a verified key is remembered in process (0 = checked on every request); a
 *                              revocation reaches every process at once through the change feed, the TTL is the fallback
 * @param listenReconnectDelay  wait before reconnecting the key-revocation LISTEN ({@code current.listen-reconnect-delay})
 * @param listenProbeInterval   a LISTEN connection silent this long is probed ({@code db.listen-probe-interval})
 * @param idempotencyTtl        how long an Idempotency-Key is remembered ({@code api.idempotency-ttl})
 * @param idempotencyWait       how long a repeat waits for the first request with its key ({@code api.idempotency-wait})
 */
public record HttpSettings(String host, int port, int maxBodyBytes, Duration shutdownGrace, boolean metricsOpenOnLoopback,
                           boolean logRequests, Duration apiKeysTtl, Duration listenReconnectDelay, Duration listenProbeInterval,
                           Duration idempotencyTtl, Duration idempotencyWait) {

    /** Reads the HTTP settings (none of them has to agree with another). */
    public static HttpSettings from(HeraldConfig config) {
        return new HttpSettings(config.get(Settings.HTTP_HOST), config.get(Settings.HTTP_PORT), config.get(Settings.HTTP_MAX_BODY_BYTES),
                config.get(Settings.HTTP_SHUTDOWN_GRACE), config.get(Settings.METRICS_OPEN_ON_LOOPBACK),
                config.get(Settings.HTTP_LOG_REQUESTS), config.get(Settings.CACHE_TTL_API_KEYS),
                config.get(Settings.CURRENT_LISTEN_RECONNECT_DELAY), config.get(Settings.DB_LISTEN_PROBE_INTERVAL),
                config.get(Settings.API_IDEMPOTENCY_TTL), config.get(Settings.API_IDEMPOTENCY_WAIT));
    }
}
