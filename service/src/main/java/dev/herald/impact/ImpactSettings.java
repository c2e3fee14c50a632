package dev.herald.impact;

import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import java.time.Duration;

/**
 * The impact feature's settings ({@code impact.*}). Immutable. (Its max distances are the graph's:
 * {@code graph.default-max-distance}, {@code graph.max-distance-cap}.)
 *
 * @param rebuildTimeout statement timeout of a rebuild of one organization ({@code impact.rebuild-timeout})
 */
public record ImpactSettings(Duration rebuildTimeout) {
    public static ImpactSettings from(HeraldConfig config) {
        return new ImpactSettings(config.get(Settings.IMPACT_REBUILD_TIMEOUT));
    }
}
