package dev.herald.cache;

/**
 * The kinds of cached data, each with its TTL ({@code cache.ttl.*}, {@link CacheSettings#ttls}). Use these names as the
 * {@code kind} of a {@link SingleFlight}.
 */
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
}
