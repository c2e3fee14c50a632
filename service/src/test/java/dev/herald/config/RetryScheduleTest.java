package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
    static final Duration WEEK = Duration.ofDays(7);

    @Test
    void theDefaultScheduleGivesElevenAttemptsOverAboutNinetyHours() {
        RetrySchedule s = HeraldConfig.defaults(java.util.Map.of()).get(Settings.DELIVERY_RETRY_SCHEDULE);
        assertThat(s.attempts()).isEqualTo(11);
        assertThat(s.horizon()).isEqualTo(Duration.ofHours(85).plusMinutes(35).plusSeconds(5));
        assertThat(RetrySchedule.human(s.horizon())).isEqualTo("85h35m5s");
        assertThat(s.describe()).containsExactly("0s", "5s", "5m", "30m", "2h", "5h", "10h", "10h", "14h", "20h", "24h");
    }

    @Test
    void entryKIsTheDelayAfterAttemptKAndTheLastAttemptHasNone() {
        RetrySchedule s = RetrySchedule.parse("0s,5s,5m", WEEK);
        assertThat(s.delayAfter(1, null, 0, () -> 0.5)).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.delayAfter(2, null, 0, () -> 0.5)).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.delayAfter(3, null, 0, () -> 0.5)).isNull();
    }

    @Test
    void jitterSpreadsEachDelayEitherWay() {
        RetrySchedule s = RetrySchedule.parse("0s,100s", WEEK);
        assertThat(s.delayAfter(1, null, 0.2, () -> 0.0)).isEqualTo(Duration.ofSeconds(80));
        assertThat(s.delayAfter(1, null, 0.2, () -> 1.0)).isEqualTo(Duration.ofSeconds(120));
        assertThat(s.delayAfter(1, null, 0.2, () -> 0.5)).isEqualTo(Duration.ofSeconds(100));
    }

    @Test
    void aReceiversRetryAfterLengthensTheDelayNeverShortensIt() {
        RetrySchedule s = RetrySchedule.parse("0s,10s", WEEK);
        assertThat(s.delayAfter(1, Duration.ofMinutes(30), 0, () -> 0.5)).isEqualTo(Duration.ofMinutes(30));
        assertThat(s.delayAfter(1, Duration.ofSeconds(1), 0, () -> 0.5)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void badSchedulesAreRefusedSayingWhy() {
        assertThatThrownBy(() -> RetrySchedule.of(List.of(), WEEK)).hasMessage("must have at least one delay");
        assertThatThrownBy(() -> RetrySchedule.of(new long[] {0, -5}, WEEK)).hasMessage("delay 2 is negative");
        assertThatThrownBy(() -> RetrySchedule.parse("0s,5m,5s", WEEK))
                .hasMessage("delay 3 (5s) is shorter than the one before it (5m); delays must not decrease");
        assertThatThrownBy(() -> RetrySchedule.parse("0s,5d,5d", WEEK))
                .hasMessage("adds up to 240h, longer than delivery.max-retry-horizon (7d)");
        assertThatThrownBy(() -> RetrySchedule.parse("0s,,5s", WEEK)).hasMessageContaining("is not a duration");
        assertThatThrownBy(() -> RetrySchedule.of(new long[101], WEEK)).hasMessage("has 101 delays; at most 100 are allowed");
    }
}
