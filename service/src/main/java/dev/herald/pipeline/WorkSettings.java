package dev.herald.pipeline;

import dev.herald.config.CrossCheck;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import java.time.Duration;

/**
 * The pipeline's settings ({@code work.*} and the few shared ones it reads), read once and checked together when
 * Herald starts ({@link #from}).
 *
 * <p><b>Hazards it refuses.</b> A heartbeat at or beyond the lease lets a live consumer's lease expire between beats,
 * so its units are reclaimed and sent twice; a first claim larger than the largest ({@code batch-size > batch-max}) used to be
 * clamped silently; a first retry delay above the largest makes the backoff meaningless. Immutable.
 */
public record WorkSettings(int consumers, int batchSize, int batchMax, int maxInFlight, int maxAttempts, Duration lease,
                           Duration heartbeat, Duration reclaimInterval, Duration pollInterval, Duration pruneAfter,
                           Duration pruneInterval, int pruneBatch, Duration historyRetention, Duration shutdownGrace,
                           int readAhead, int readAheadConcurrency, Duration readAheadPause, Duration retryBaseDelay,
                           Duration retryMaxDelay, double retryJitter, Duration listenProbeInterval, Duration contextTtl,
                           Duration referenceTtl, Duration metricsTtl, int maxCacheEntries, int defaultMaxDistance) {

    /** Reads and cross-checks the settings; {@link dev.herald.config.ConfigException} naming both settings otherwise. */
    public static WorkSettings from(HeraldConfig c) {
        CrossCheck.shorter(c, Settings.WORK_HEARTBEAT, Settings.WORK_LEASE,
                "a consumer renews its lease every heartbeat; a lease that expires first lets another process take live work");
        CrossCheck.atMostCount(c, Settings.WORK_BATCH_SIZE, Settings.WORK_BATCH_MAX, "a claim starts at the first and doubles up to the second");
        CrossCheck.atMost(c, Settings.WORK_RETRY_BASE_DELAY, Settings.WORK_RETRY_MAX_DELAY,
                "retries back off from the first delay doubling up to the second");
        return new WorkSettings(c.get(Settings.WORK_CONSUMERS), c.get(Settings.WORK_BATCH_SIZE), c.get(Settings.WORK_BATCH_MAX),
                c.get(Settings.WORK_MAX_IN_FLIGHT), c.get(Settings.WORK_MAX_ATTEMPTS), c.get(Settings.WORK_LEASE),
                c.get(Settings.WORK_HEARTBEAT), c.get(Settings.WORK_RECLAIM_INTERVAL), c.get(Settings.WORK_POLL_INTERVAL),
                c.get(Settings.WORK_PRUNE_AFTER), c.get(Settings.WORK_PRUNE_INTERVAL), c.get(Settings.WORK_PRUNE_BATCH),
                c.get(Settings.WORK_HISTORY_RETENTION), c.get(Settings.HTTP_SHUTDOWN_GRACE), c.get(Settings.WORK_READ_AHEAD),
                c.get(Settings.WORK_READ_AHEAD_CONCURRENCY), c.get(Settings.WORK_READ_AHEAD_PAUSE), c.get(Settings.WORK_RETRY_BASE_DELAY),
                c.get(Settings.WORK_RETRY_MAX_DELAY), c.get(Settings.WORK_RETRY_JITTER), c.get(Settings.DB_LISTEN_PROBE_INTERVAL),
                c.get(Settings.CACHE_TTL_CONTEXT), c.get(Settings.CACHE_TTL_REFERENCE), c.get(Settings.CACHE_TTL_METRICS),
                c.get(Settings.CACHE_MAX_ENTRIES), c.get(Settings.GRAPH_DEFAULT_MAX_DISTANCE));
    }
}
