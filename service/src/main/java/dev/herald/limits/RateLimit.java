package dev.herald.limits;

import dev.herald.config.Settings;
import java.time.Duration;

/**
 * A GCRA rate limit: {@code rate} checks per {@code period} in the steady state, and up to {@code burst} checks back to
 * back after an idle spell. In any window of one period a key is admitted at most {@code rate + burst} times.
 *
 * <p>GCRA terms: the emission interval {@code T = ceil(period / rate)} (rounded up, so the limit is never exceeded) and
 * the tolerance {@code tau = burst * T}; a check at time {@code now} with theoretical arrival time {@code tat} is allowed
 * when {@code max(tat, now) + T - tau <= now}, and then {@code tat := max(tat, now) + T}. Immutable.
 *
 * @param rate   checks per period, at least 1
 * @param period the period, positive
 * @param burst  checks allowed back to back, at least 1
 */
public record RateLimit(long rate, Duration period, long burst) {
    public RateLimit {
        if (rate <= 0) {
            throw new IllegalArgumentException(Settings.LIMITS_RATE.key() + " must be at least 1, got " + rate);
        }
        if (period == null || period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException(Settings.LIMITS_PERIOD.key() + " must be positive, got " + period);
        }
        if (burst <= 0) {
            throw new IllegalArgumentException(Settings.LIMITS_BURST.key() + " must be at least 1, got " + burst);
        }
        if (period.toNanos() / rate < 1) {
            throw new IllegalArgumentException(Settings.LIMITS_RATE.key() + " " + rate + " per " + period
                    + " is finer than one check per nanosecond");
        }
    }

    /** T in nanoseconds: the steady spacing between admitted checks (rounded up). */
    public long emissionIntervalNanos() {
        long p = period.toNanos();
        return p / rate + (p % rate == 0 ? 0 : 1);
    }

    /** tau in nanoseconds: {@code burst * T}. */
    public long toleranceNanos() {
        return Math.multiplyExact(burst, emissionIntervalNanos());
    }

    /** T in microseconds (rounded up), the unit of the Redis script, which reads the server's clock in microseconds. */
    public long emissionIntervalMicros() {
        long p = period.toNanos() / 1000 + (period.toNanos() % 1000 == 0 ? 0 : 1);
        return Math.max(1, p / rate + (p % rate == 0 ? 0 : 1));
    }

    /** tau in microseconds. */
    public long toleranceMicros() {
        return Math.multiplyExact(burst, emissionIntervalMicros());
    }

    /**
     * A contact's own rate limit as stored ({@code {"rate": n, "period": "1s", "burst"?: n}}, validated when saved;
     * burst defaults to rate), or null when it has none.
     */
    public static RateLimit ofContact(com.fasterxml.jackson.databind.JsonNode stored) {
        if (stored == null || stored.isNull() || !stored.has("rate")) return null;
        long rate = stored.get("rate").asLong();
        return new RateLimit(rate, dev.herald.config.Durations.parse(stored.path("period").asText("1s")),
                stored.has("burst") ? stored.get("burst").asLong() : rate);
    }
}
