package dev.herald.infra;

import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import java.time.Duration;
import java.util.Optional;

/**
 * How {@link RedisLink} reaches Redis ({@code redis.*}). Immutable.
 *
 * @param url            the Redis URL; empty = limits, caches and single-flight stay in process
 * @param urlSource      where {@code url} came from (for the error when Redis cannot be reached)
 * @param timeout        timeout of one command, past which callers fall back to in-process state
 * @param connectTimeout how long the first connection at start may take
 * @param retryAfter     after a failure, how long callers stay in process before trying Redis again
 */
public record RedisSettings(Optional<String> url, String urlSource, Duration timeout, Duration connectTimeout, Duration retryAfter) {

    @Override
    public String toString() { // the URL may carry a password
        return "RedisSettings[url=" + url.map(RedisLink::redact).orElse("none") + "]";
    }

    /** Reads the Redis settings (none of them has to agree with another). */
    public static RedisSettings from(HeraldConfig config) {
        return new RedisSettings(config.get(Settings.REDIS_URL), config.sourceOf(Settings.REDIS_URL), config.get(Settings.REDIS_TIMEOUT),
                config.get(Settings.REDIS_CONNECT_TIMEOUT), config.get(Settings.REDIS_RETRY_AFTER));
    }
}
