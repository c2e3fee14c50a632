package dev.herald.pipeline;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter for failed sends: {@code base * 2^(attempt-1)}, capped at {@code max}, of which the
 * fraction {@code jitter} is random (so 0.5 gives between 50% and 100% of the computed delay). A receiver's Retry-After
 * raises the delay (never above {@code max}). The random source is injected so tests are deterministic. Thread-safe when
 * the random source is.
 */
record Backoff(Duration base, Duration max, double jitter, DoubleSupplier random) {

    Duration delay(int attempt, Duration retryAfter) {
        long baseMs = Math.max(1, base.toMillis());
        int shift = Math.min(Math.max(attempt - 1, 0), 40);
        long computed = shift >= 62 || baseMs > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : baseMs << shift;
        long capped = Math.min(computed, max.toMillis());
        long jittered = capped - (long) (capped * jitter * random.getAsDouble());
        if (retryAfter != null) {
            jittered = Math.max(jittered, Math.min(retryAfter.toMillis(), max.toMillis()));
        }
        return Duration.ofMillis(Math.max(0, jittered));
    }
}
