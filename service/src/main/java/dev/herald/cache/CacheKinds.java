package dev.herald.cache;

import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import java.time.Duration;
import java.util.Map;

/** The kinds of cached data and their TTLs ({@code cache.ttl.*}). Use these names as the {@code kind} of a {@link SingleFlight}. */
public final class CacheKinds {
    /** Notification contexts by fingerprint ({@code cache.ttl.context}). */
    public static final String CONTEXT = "context";
    /** Current-incidents entries ({@code cache.ttl.current-incidents}). */
    public static final String CURRENT_INCIDENTS = "current-incidents";
    /** Organizations, asset types, templates ({@code cache.ttl.reference}). */
    public static final String REFERENCE = "reference";
    /** Computed gauges ({@code cache.ttl.metrics}). */
    public static final String METRICS = "metrics";

    private CacheKinds() {}

    /** TTL per kind from the configuration. */
    public static Map<String, Duration> ttls(HeraldConfig config) {
        return Map.of(CONTEXT, config.get(Settings.CACHE_TTL_CONTEXT),
                CURRENT_INCIDENTS, config.get(Settings.CACHE_TTL_CURRENT),
                REFERENCE, config.get(Settings.CACHE_TTL_REFERENCE),
                METRICS, config.get(Settings.CACHE_TTL_METRICS));
    }

    /** TTL of kinds not listed: the context TTL. */
    public static Duration defaultTtl(HeraldConfig config) {
        return config.get(Settings.CACHE_TTL_CONTEXT);
    }
}
