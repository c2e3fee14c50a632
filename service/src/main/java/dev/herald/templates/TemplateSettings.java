package dev.herald.templates;

import dev.herald.config.CrossCheck;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import java.time.Duration;

/**
 * The templates' settings ({@code delivery.template.*}, plus the cache and LISTEN settings their per-organization cache
 * uses). Immutable.
 *
 * @param maxChars             largest template an organization may save
 * @param maxRenderedChars     largest output one template may render (and largest string or list it may build)
 * @param renderTimeout        longest one render may take
 * @param renderThreads        threads that render
 * @param renderQueue          renders that may wait for a render thread
 * @param suspendAfterTimeout  how long an organization's own templates fail at once after one ran past the timeout
 * @param sampleDependents     dependents and assets in the sample a saved template must render in time
 * @param cacheTtl             TTL of compiled templates per organization ({@code cache.ttl.reference})
 * @param maxEntries           bound on organizations cached ({@code cache.max-entries})
 * @param listenReconnectDelay wait before reconnecting the change LISTEN ({@code current.listen-reconnect-delay})
 * @param listenProbeInterval  a LISTEN connection silent this long is probed ({@code db.listen-probe-interval})
 */
public record TemplateSettings(int maxChars, int maxRenderedChars, Duration renderTimeout, int renderThreads, int renderQueue,
                               Duration suspendAfterTimeout, int sampleDependents, Duration cacheTtl, int maxEntries,
                               Duration listenReconnectDelay, Duration listenProbeInterval) {

    /**
     * Reads the templates' settings. Refused at start: a {@code delivery.template.render-queue} smaller than
     * {@code work.max-in-flight}, because every unit in flight may wait for a render and renders past the queue fail.
     */
    public static TemplateSettings from(HeraldConfig config) {
        CrossCheck.of(config)
                .atMost(Settings.WORK_MAX_IN_FLIGHT, Settings.TEMPLATE_RENDER_QUEUE,
                        "every unit in flight may wait for a render, and a render that finds the queue full fails its unit")
                .orThrow();
        return new TemplateSettings(config.get(Settings.TEMPLATE_MAX_CHARS), config.get(Settings.TEMPLATE_MAX_RENDERED_CHARS),
                config.get(Settings.TEMPLATE_RENDER_TIMEOUT), config.get(Settings.TEMPLATE_RENDER_THREADS),
                config.get(Settings.TEMPLATE_RENDER_QUEUE), config.get(Settings.TEMPLATE_SUSPEND),
                config.get(Settings.TEMPLATE_SAMPLE_DEPENDENTS),
                config.get(Settings.CACHE_TTL_REFERENCE), config.get(Settings.CACHE_MAX_ENTRIES),
                config.get(Settings.CURRENT_LISTEN_RECONNECT_DELAY), config.get(Settings.DB_LISTEN_PROBE_INTERVAL));
    }
}
