package dev.herald.cache;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Supplier;

/**
 * A cache of JSON values by (kind, key) in which each missing value is built once even when many callers ask for it at
 * the same moment: the first caller builds, the others wait for its result. The TTL depends on the kind.
 * In-process ({@link LocalSingleFlight}) or shared across processes (on Redis). Thread-safe.
 */
public interface SingleFlight {
    /** The cached value for (kind, key), else the result of {@code builder}, which runs at most once per (kind, key) at a time. */
    JsonNode getOrBuild(String kind, String key, Supplier<JsonNode> builder);

    /**
     * Makes sure (kind, key) is cached for the callers to come, without waiting and without fetching it: builds it when
     * it is neither cached nor being built (here or, with Redis, in another process), else returns at once. A caller that
     * asks while this build runs joins it. Answers whether this call built it.
     */
    boolean prepare(String kind, String key, Supplier<JsonNode> builder);

    /**
     * Values of {@code kind} built so far: by every process sharing this cache (Redis; builds made while Redis was
     * unreachable are not counted) or by this process (in-process).
     */
    long builds(String kind);

    /** Drops a cached value (e.g. its source changed). */
    void invalidate(String kind, String key);
}
