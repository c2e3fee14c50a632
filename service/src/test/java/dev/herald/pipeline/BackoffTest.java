package dev.herald.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void doublesPerAttemptUpToTheCapWithJitterTakenFromTheTop() {
        Backoff none = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0.5, () -> 0.0);
        assertThat(none.delay(1, null)).isEqualTo(Duration.ofMillis(100));
        assertThat(none.delay(2, null)).isEqualTo(Duration.ofMillis(200));
        assertThat(none.delay(4, null)).isEqualTo(Duration.ofMillis(800));
        assertThat(none.delay(5, null)).isEqualTo(Duration.ofSeconds(1));
        assertThat(none.delay(500, null)).isEqualTo(Duration.ofSeconds(1));

        Backoff full = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0.5, () -> 1.0);
        assertThat(full.delay(2, null)).isEqualTo(Duration.ofMillis(100));
        Backoff mid = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0.5, () -> 0.5);
        assertThat(mid.delay(3, null)).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void retryAfterRaisesTheDelayButNotPastTheCap() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), 0.5, () -> 0.0);
        assertThat(b.delay(1, Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
        assertThat(b.delay(1, Duration.ofMillis(10))).isEqualTo(Duration.ofMillis(100));
        assertThat(b.delay(1, Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(10));
    }
}
