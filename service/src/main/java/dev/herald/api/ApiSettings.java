package dev.herald.api;

import dev.herald.config.CrossCheck;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;

/**
 * The limits every feature's routes apply ({@code api.*}): page sizes of lists and the size of bulk calls. Immutable.
 *
 * <p>Refused at start: an {@code api.list-default-limit} above {@code api.list-max-limit} (a list called without a
 * limit would return more than a caller may ask for).
 *
 * @param listDefaultLimit items per page when a list call gives no limit
 * @param listMaxLimit     largest limit a list call may ask for
 * @param currentMaxLimit  largest page of {@code GET /incidents/current}
 * @param bulkMaxIds       most ids or roots in one bulk call
 */
public record ApiSettings(int listDefaultLimit, int listMaxLimit, int currentMaxLimit, int bulkMaxIds) {

    /**
     * Reads and cross-checks the API limits.
     *
     * @throws dev.herald.config.ConfigException naming both settings of a refused combination
     */
    public static ApiSettings from(HeraldConfig config) {
        CrossCheck.of(config)
                .atMost(Settings.API_LIST_DEFAULT_LIMIT, Settings.API_LIST_MAX_LIMIT,
                        "a list called without a limit would return more than a caller may ask for")
                .orThrow();
        return new ApiSettings(config.get(Settings.API_LIST_DEFAULT_LIMIT), config.get(Settings.API_LIST_MAX_LIMIT),
                config.get(Settings.API_CURRENT_MAX_LIMIT), config.get(Settings.API_BULK_MAX_IDS));
    }
}
