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

    /** Drops a cached value (e.g. its source changed). */
    void invalidate(String kind, String key);
}
