package dev.herald.pipeline;

import dev.herald.config.CrossCheck;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import java.time.Duration;

/**
 * The notification pipeline's settings: the queue and its consumers ({@code work.*}), how long they may take to stop
 * ({@code http.shutdown-grace}), and what context assembly and the pipeline's gauges cache ({@code cache.*},
 * {@code graph.default-max-distance}). Immutable.
 *
 * <p>Refused at start, because the pipeline would run but not as configured:
 * <ul>
 *   <li>a {@code work.heartbeat} not shorter than {@code work.lease}: a lease would run out between two heartbeats and
 *       another process would take (and send) work still in progress;</li>
 *   <li>a {@code work.batch-size} above {@code work.batch-max}: the claim could never grow, and the larger value would
 *       win without a word;</li>
 * </ul>
 *
 * @param consumers            consumers per process (0 = none)
 * @param batchSize            units one claim asks for when the queue is not backed up
 * @param batchMax             largest claim, reached by doubling after full claims
 * @param maxInFlight          units one process works at once
 * @param lease                how long a claim is held without a heartbeat
 * @param heartbeat            how often leases in flight are extended
 * @param reclaimInterval      how often expired leases are looked for
 * @param pollInterval         how long an idle consumer waits before polling again
 * @param pruneAfter           how long finished work stays in the hot table
 * @param pruneInterval        how often finished work is moved and old history dropped
 * @param pruneBatch           most rows per maintenance statement
 * @param historyRetention     how long finished work is kept
 * @param shutdownGrace        how long in-flight work may take to finish on stop ({@code http.shutdown-grace})
 * @param readAhead            ready units whose contexts are assembled ahead of their claim (0 = off)
 * @param readAheadConcurrency contexts the read-ahead assembles at once
 * @param readAheadPause       how long the read-ahead waits when its window is prepared
 * @param contextTtl           how long a prepared context stays ({@code cache.ttl.context})
 * @param referenceTtl         TTL of reference data in context assembly ({@code cache.ttl.reference})
 * @param metricsTtl           TTL of the queue gauges ({@code cache.ttl.metrics})
 * @param maxCacheEntries      bound on context assembly's in-process caches ({@code cache.max-entries})
 * @param defaultMaxDistance   dependency distance of an organization without its own ({@code graph.default-max-distance})
 * @param listenProbeInterval  how often an idle LISTEN connection is probed ({@code db.listen-probe-interval})
 * @param delivery             retries, per-contact isolation, endpoint health and retention ({@code delivery.*})
 */
public record PipelineSettings(int consumers, int batchSize, int batchMax, int maxInFlight, Duration lease,
                               Duration heartbeat, Duration reclaimInterval, Duration pollInterval, Duration pruneAfter,
                               Duration pruneInterval, int pruneBatch, Duration historyRetention, Duration shutdownGrace,
                               int readAhead,
                               int readAheadConcurrency, Duration readAheadPause, Duration contextTtl, Duration referenceTtl,
                               Duration metricsTtl, int maxCacheEntries, int defaultMaxDistance, Duration listenProbeInterval,
                               DeliveryPolicy delivery) {

    /**
     * Reads and cross-checks the pipeline's settings.
     *
     * @throws dev.herald.config.ConfigException naming both settings of each refused combination
     */
    public static PipelineSettings from(HeraldConfig config) {
        CrossCheck.of(config)
                .below(Settings.WORK_HEARTBEAT, Settings.WORK_LEASE,
                        "a lease would run out between two heartbeats and another process would take work still in progress")
                .atMost(Settings.WORK_BATCH_SIZE, Settings.WORK_BATCH_MAX,
                        "a consumer's claim starts at work.batch-size and grows up to work.batch-max")
                .orThrow();
        return new PipelineSettings(config.get(Settings.WORK_CONSUMERS), config.get(Settings.WORK_BATCH_SIZE),
                config.get(Settings.WORK_BATCH_MAX), config.get(Settings.WORK_MAX_IN_FLIGHT),
                config.get(Settings.WORK_LEASE), config.get(Settings.WORK_HEARTBEAT), config.get(Settings.WORK_RECLAIM_INTERVAL),
                config.get(Settings.WORK_POLL_INTERVAL), config.get(Settings.WORK_PRUNE_AFTER), config.get(Settings.WORK_PRUNE_INTERVAL),
                config.get(Settings.WORK_PRUNE_BATCH), config.get(Settings.WORK_HISTORY_RETENTION), config.get(Settings.HTTP_SHUTDOWN_GRACE),
                config.get(Settings.WORK_READ_AHEAD), config.get(Settings.WORK_READ_AHEAD_CONCURRENCY),
                config.get(Settings.WORK_READ_AHEAD_PAUSE), config.get(Settings.CACHE_TTL_CONTEXT), config.get(Settings.CACHE_TTL_REFERENCE),
                config.get(Settings.CACHE_TTL_METRICS), config.get(Settings.CACHE_MAX_ENTRIES), config.get(Settings.GRAPH_DEFAULT_MAX_DISTANCE),
                config.get(Settings.DB_LISTEN_PROBE_INTERVAL), DeliveryPolicy.from(config));
    }

    /** Attempts a unit gets under the default retry schedule (the claim's initial {@code max_attempts}). */
    public int maxAttempts() { return delivery.retrySchedule().attempts(); }
}
