package dev.herald.workload;

import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import java.time.Duration;

/**
 * How the reference workload is loaded ({@code seed.*}). Immutable.
 *
 * @param statementTimeout statement timeout of the load's one transaction ({@code seed.statement-timeout})
 */
public record SeedSettings(Duration statementTimeout) {

    /** Reads the seed settings. */
    public static SeedSettings from(HeraldConfig config) {
        return new SeedSettings(config.get(Settings.SEED_STATEMENT_TIMEOUT));
    }
}
