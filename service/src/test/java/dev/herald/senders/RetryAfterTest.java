package dev.herald.senders;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00.250Z"));
    final Duration max = Duration.ofHours(1);

    @Test
    void readsSecondsAndHttpDates() {
        assertThat(RetryAfter.parse("120", clock, max)).isEqualTo(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse(" 0 ", clock, max)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("Sun, 01 Mar 2026 10:01:00 GMT", clock, max)).isEqualTo(Duration.ofSeconds(60)); // 59.75 s, rounded up
        assertThat(RetryAfter.parse("Sun, 01 Mar 2026 09:00:00 GMT", clock, max)).isEqualTo(Duration.ZERO);
    }

    @Test
    void capsAndIgnoresGarbage() {
        assertThat(RetryAfter.parse("999999999999999999999999", clock, max)).isEqualTo(max);
        assertThat(RetryAfter.parse("86400", clock, max)).isEqualTo(max);
        assertThat(RetryAfter.parse(null, clock, max)).isNull();
        assertThat(RetryAfter.parse("", clock, max)).isNull();
        assertThat(RetryAfter.parse("-5", clock, max)).isNull();
        assertThat(RetryAfter.parse("soon", clock, max)).isNull();
    }
}
