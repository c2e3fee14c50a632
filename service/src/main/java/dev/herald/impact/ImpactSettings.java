package dev.herald.impact;

import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import java.time.Duration;

/**
 * The impact feature's settings ({@code impact.*}). Immutable. (Its max distances are the graph's:
 * {@code graph.default-max-distance}, {@code graph.max-distance-cap}.)
 *
 * @param rebuildTimeout statement timeout of a rebuild of one organization, and of one apply ({@code impact.rebuild-timeout})
 * @param applyInterval  how often the applier looks for recorded changes when not woken ({@code impact.apply-interval})
 * @param applyBatch     most recorded changes of one organization applied in one transaction ({@code impact.apply-batch})
 * @param dutyCycle      most share of its time the applier applies while changes keep coming ({@code impact.apply-duty-cycle})
 * @param listenProbe    quiet time after which the applier's LISTEN connection is probed ({@code db.listen-probe-interval})
 */
public record ImpactSettings(Duration rebuildTimeout, Duration applyInterval, int applyBatch, double dutyCycle,
                             Duration listenProbe) {
    public static ImpactSettings from(HeraldConfig config) {
        return new ImpactSettings(config.get(Settings.IMPACT_REBUILD_TIMEOUT), config.get(Settings.IMPACT_APPLY_INTERVAL),
                config.get(Settings.IMPACT_APPLY_BATCH), config.get(Settings.IMPACT_APPLY_DUTY_CYCLE),
                config.get(Settings.DB_LISTEN_PROBE_INTERVAL));
    }
}
