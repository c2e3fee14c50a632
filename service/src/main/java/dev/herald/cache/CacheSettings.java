package dev.herald.cache;

import dev.herald.config.CrossCheck;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import java.time.Duration;
import java.util.Map;

/**
 * The caches' settings ({@code cache.*}): a TTL per data kind, the bound on entries, and single-flight on Redis.
 * Immutable.
 *
 * <p>Refused at start: a {@code cache.lease} longer than {@code cache.wait}. A caller waiting for another process's
 * build must still be waiting when that build's lease runs out, so it takes the lease over (one build) instead of
 * giving up first and building beside a builder that may still finish.
 *
 * @param ttlReference       TTL of reference data (organizations, asset types, templates)
 * @param ttlCurrentIncidents TTL of current-incidents entries
 * @param ttlContext         TTL of notification contexts, and of kinds without their own
 * @param ttlMetrics         TTL of computed gauges
 * @param maxEntries         bound on entries of each in-process cache
 * @param sharedLocalEntries with Redis: immutable values also kept in process
 * @param sharedLocalTtl     with Redis: how long they stay in process
 * @param lease              with Redis: how long one process owns building a missing value
 * @param maxWait            with Redis: longest a caller waits for another process's build
 */
public record CacheSettings(Duration ttlReference, Duration ttlCurrentIncidents, Duration ttlContext, Duration ttlMetrics,
                            int maxEntries, int sharedLocalEntries, Duration sharedLocalTtl, Duration lease, Duration maxWait) {

    /**
     * Reads and cross-checks the cache settings.
     *
     * @throws dev.herald.config.ConfigException naming both settings of a refused combination
     */
    public static CacheSettings from(HeraldConfig config) {
        CrossCheck.of(config)
                .atMost(Settings.CACHE_LEASE, Settings.CACHE_WAIT,
                        "waiters would give up and build for themselves while a live build still holds its lease")
                .orThrow();
        return new CacheSettings(config.get(Settings.CACHE_TTL_REFERENCE), config.get(Settings.CACHE_TTL_CURRENT),
                config.get(Settings.CACHE_TTL_CONTEXT), config.get(Settings.CACHE_TTL_METRICS), config.get(Settings.CACHE_MAX_ENTRIES),
                config.get(Settings.CACHE_SHARED_LOCAL_ENTRIES), config.get(Settings.CACHE_SHARED_LOCAL_TTL),
                config.get(Settings.CACHE_LEASE), config.get(Settings.CACHE_WAIT));
    }

    /** TTL per kind ({@link CacheKinds}). */
    public Map<String, Duration> ttls() {
        return Map.of(CacheKinds.CONTEXT, ttlContext, CacheKinds.CURRENT_INCIDENTS, ttlCurrentIncidents,
                CacheKinds.REFERENCE, ttlReference, CacheKinds.METRICS, ttlMetrics);
    }

    /** TTL of kinds not listed: the context TTL. */
    public Duration defaultTtl() {
        return ttlContext;
    }
}
