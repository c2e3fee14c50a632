package dev.herald.limits;

import dev.herald.config.CrossCheck;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;

/**
 * The delivery gate's settings ({@code limits.*}): the GCRA rate limit, what it counts together, and the bound on keys
 * held in process. Immutable.
 *
 * <p>Refused at start: a {@code limits.rate} per {@code limits.period} finer than one check per nanosecond (the
 * limiter's clock).
 *
 * @param rateLimit the limit ({@code limits.rate}, {@code limits.period}, {@code limits.burst})
 * @param scope     what one limit counts together
 * @param maxKeys   bound on keys held by the in-process limiter and throttle windows
 */
public record LimitSettings(RateLimit rateLimit, RateScope scope, long maxKeys) {

    /**
     * Reads and cross-checks the limit settings.
     *
     * @throws dev.herald.config.ConfigException naming both settings of a refused combination
     */
    public static LimitSettings from(HeraldConfig config) {
        CrossCheck check = CrossCheck.of(config);
        int rate = config.get(Settings.LIMITS_RATE);
        var period = config.get(Settings.LIMITS_PERIOD);
        check.require(period.toNanos() / rate >= 1, check.describe(Settings.LIMITS_RATE) + " per " + check.describe(Settings.LIMITS_PERIOD)
                + " is finer than one check per nanosecond: lower the rate or lengthen the period").orThrow();
        return new LimitSettings(new RateLimit(rate, period, config.get(Settings.LIMITS_BURST)),
                RateScope.parse(config.get(Settings.LIMITS_SCOPE)), config.get(Settings.LIMITS_MAX_KEYS));
    }
}
