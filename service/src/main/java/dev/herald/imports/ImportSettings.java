package dev.herald.imports;

import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import java.time.Duration;

/**
 * The imports' settings. Immutable.
 *
 * @param statementTimeout statement timeout of an import's one transaction ({@code seed.statement-timeout}, shared with
 *                         the seed: both are bulk COPY loads)
 */
public record ImportSettings(Duration statementTimeout) {

    /** Reads the imports' settings. */
    public static ImportSettings from(HeraldConfig config) {
        return new ImportSettings(config.get(Settings.SEED_STATEMENT_TIMEOUT));
    }
}
