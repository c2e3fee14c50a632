package dev.herald.current;

import dev.herald.config.CrossCheck;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import java.time.Duration;

/**
 * The current-incidents view's settings ({@code current.*}, plus the LISTEN probe and the cache bounds it uses).
 * Immutable.
 *
 * <p>Refused at start: a {@code db.listen-probe-interval} not shorter than {@code current.feed-max-silence}. A quiet
 * change feed is confirmed by a probe every probe interval; if that is not well within the allowed silence, the feed is
 * never confirmed in time on a quiet system, and every change-feed read silently falls back to a version check in the
 * database.
 *
 * @param listenReconnectDelay wait before reconnecting the LISTEN connection
 * @param listenProbeInterval  a LISTEN connection silent this long is probed ({@code db.listen-probe-interval})
 * @param strict               {@code current.consistency=strict}: every read checks the version in the database
 * @param feedMaxSilence       change-feed reads are served from memory only while the feed was confirmed within this
 * @param rebuildTimeout       statement timeout of a rebuild or recompute of one organization's view
 * @param cacheTtl             TTL of cached views ({@code cache.ttl.current-incidents})
 * @param maxEntries           bound on cached views ({@code cache.max-entries})
 */
public record CurrentSettings(Duration listenReconnectDelay, Duration listenProbeInterval, boolean strict, Duration feedMaxSilence,
                              Duration rebuildTimeout, Duration cacheTtl, int maxEntries) {

    /**
     * Reads and cross-checks the view's settings.
     *
     * @throws dev.herald.config.ConfigException naming both settings of a refused combination
     */
    public static CurrentSettings from(HeraldConfig config) {
        CrossCheck.of(config)
                .below(Settings.DB_LISTEN_PROBE_INTERVAL, Settings.CURRENT_FEED_MAX_SILENCE,
                        "a quiet change feed would never be confirmed in time, so every read would check the database")
                .orThrow();
        return new CurrentSettings(config.get(Settings.CURRENT_LISTEN_RECONNECT_DELAY), config.get(Settings.DB_LISTEN_PROBE_INTERVAL),
                config.get(Settings.CURRENT_CONSISTENCY).equals("strict"), config.get(Settings.CURRENT_FEED_MAX_SILENCE),
                config.get(Settings.CURRENT_REBUILD_TIMEOUT), config.get(Settings.CACHE_TTL_CURRENT), config.get(Settings.CACHE_MAX_ENTRIES));
    }
}
