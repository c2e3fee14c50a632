package dev.herald.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.config.ConfigException;
import dev.herald.config.HeraldConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The in-process limiter against the GCRA definition, with an injected clock (no sleeps). */
class GcraSemanticsTest {
    private static final Duration IDLE = Duration.ofHours(1);

    @Test
    void burstThenSteadyRateWithExactRetryAndResetValues() {
        ManualClock clock = new ManualClock();
        LocalRateLimiter l = new LocalRateLimiter(clock, 1000, IDLE);
        RateLimit limit = new RateLimit(10, Duration.ofSeconds(1), 3); // T = 100 ms, tau = 300 ms

        assertThat(l.check("k", limit)).isEqualTo(new RateDecision(true, 2, Duration.ZERO, Duration.ofMillis(100)));
        assertThat(l.check("k", limit)).isEqualTo(new RateDecision(true, 1, Duration.ZERO, Duration.ofMillis(200)));
        assertThat(l.check("k", limit)).isEqualTo(new RateDecision(true, 0, Duration.ZERO, Duration.ofMillis(300)));
        // Over: retry after one emission interval; full again after the whole burst drained.
        assertThat(l.check("k", limit)).isEqualTo(new RateDecision(false, 0, Duration.ofMillis(100), Duration.ofMillis(300)));
        clock.advance(Duration.ofMillis(40));
        assertThat(l.check("k", limit)).isEqualTo(new RateDecision(false, 0, Duration.ofMillis(60), Duration.ofMillis(260)));
        clock.advance(Duration.ofMillis(60));
        assertThat(l.check("k", limit).allowed()).isTrue();
        // Steady: one every T is always admitted; two every T, only one.
        for (int i = 0; i < 50; i++) {
            clock.advance(Duration.ofMillis(100));
            assertThat(l.check("k", limit).allowed()).isTrue();
            assertThat(l.check("k", limit).allowed()).isFalse();
        }
        // Idle for longer than tau: a full burst again.
        clock.advance(Duration.ofSeconds(5));
        assertThat(List.of(l.check("k", limit).allowed(), l.check("k", limit).allowed(), l.check("k", limit).allowed(),
                l.check("k", limit).allowed())).containsExactly(true, true, true, false);
    }

    @Test
    void keysAreIndependent() {
        ManualClock clock = new ManualClock();
        LocalRateLimiter l = new LocalRateLimiter(clock, 100_000, IDLE);
        RateLimit limit = new RateLimit(1, Duration.ofMinutes(1), 2);
        for (int k = 0; k < 5000; k++) {
            assertThat(l.check("key-" + k, limit).allowed()).isTrue();
            assertThat(l.check("key-" + k, limit).allowed()).isTrue();
            assertThat(l.check("key-" + k, limit).allowed()).isFalse();
        }
    }

    /** The slow, obvious version: a token bucket holding credit in nanoseconds, refilled by elapsed time up to tau. */
    private static final class ReferenceBucket {
        long credit;
        long last;
        boolean started;

        RateDecision check(long now, RateLimit limit) {
            long t = limit.emissionIntervalNanos();
            long tau = limit.toleranceNanos();
            if (!started) {
                credit = tau;
                started = true;
            } else {
                credit = Math.min(tau, credit + (now - last));
            }
            last = now;
            if (credit >= t) {
                credit -= t;
                return new RateDecision(true, credit / t, Duration.ZERO, Duration.ofNanos(tau - credit));
            }
            return new RateDecision(false, 0, Duration.ofNanos(t - credit), Duration.ofNanos(tau - credit));
        }
    }

    @Test
    void equalsTheObviousTokenBucketOnRandomArrivals() {
        Random random = new Random(42);
        for (int round = 0; round < 20; round++) {
            RateLimit limit = new RateLimit(1 + random.nextInt(500), Duration.ofMillis(1 + random.nextInt(5000)), 1 + random.nextInt(50));
            ManualClock clock = new ManualClock();
            LocalRateLimiter l = new LocalRateLimiter(clock, 1000, IDLE);
            Map<String, ReferenceBucket> reference = new HashMap<>();
            for (int i = 0; i < 20_000; i++) {
                clock.advance(Duration.ofNanos((long) (random.nextDouble() * 2.5 * limit.emissionIntervalNanos())));
                String key = "k" + random.nextInt(4);
                RateDecision expected = reference.computeIfAbsent(key, k -> new ReferenceBucket()).check(clock.nanoTime(), limit);
                assertThat(l.check(key, limit)).as("round %d check %d of %s", round, i, limit).isEqualTo(expected);
            }
        }
    }

    @Test
    void noWindowOfOnePeriodEverAdmitsMoreThanRatePlusBurst() {
        Random random = new Random(7);
        RateLimit limit = new RateLimit(20, Duration.ofSeconds(1), 5);
        ManualClock clock = new ManualClock();
        LocalRateLimiter l = new LocalRateLimiter(clock, 1000, IDLE);
        List<Long> admitted = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            clock.advance(Duration.ofNanos(random.nextInt(random.nextBoolean() ? 1_000_000 : 200_000_000)));
            if (l.check("hot", limit).allowed()) admitted.add(clock.nanoTime());
        }
        int worst = 0;
        for (int i = 0, j = 0; i < admitted.size(); i++) {
            while (j < admitted.size() && admitted.get(j) - admitted.get(i) < limit.period().toNanos()) j++;
            worst = Math.max(worst, j - i);
        }
        assertThat(worst).isLessThanOrEqualTo(25).isGreaterThanOrEqualTo(20);
    }

    @Test
    void zeroOrNegativeLimitsAreRejectedNamingTheSetting() {
        assertThatThrownBy(() -> new RateLimit(0, Duration.ofSeconds(1), 1)).hasMessageContaining("limits.rate");
        assertThatThrownBy(() -> new RateLimit(-5, Duration.ofSeconds(1), 1)).hasMessageContaining("limits.rate");
        assertThatThrownBy(() -> new RateLimit(1, Duration.ZERO, 1)).hasMessageContaining("limits.period");
        assertThatThrownBy(() -> new RateLimit(1, Duration.ofSeconds(-1), 1)).hasMessageContaining("limits.period");
        assertThatThrownBy(() -> new RateLimit(1, Duration.ofSeconds(1), 0)).hasMessageContaining("limits.burst");
        assertThatThrownBy(() -> new RateLimit(1, Duration.ofSeconds(1), -2)).hasMessageContaining("limits.burst");
        assertThatThrownBy(() -> HeraldConfig.defaults(Map.of("limits.rate", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("limits.rate");
        assertThatThrownBy(() -> HeraldConfig.defaults(Map.of("limits.burst", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("limits.burst");
        assertThatThrownBy(() -> HeraldConfig.defaults(Map.of("limits.period", "0s")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("limits.period");
        assertThatThrownBy(() -> HeraldConfig.defaults(Map.of("limits.scope", "planet")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("limits.scope");
        assertThat(LimitSettings.from(HeraldConfig.defaults(Map.of("limits.rate", "7", "limits.period", "1m", "limits.burst", "2"))).rateLimit())
                .isEqualTo(new RateLimit(7, Duration.ofMinutes(1), 2));
    }
}
