package dev.herald.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * In-process GCRA limiter, lock-free: each key holds its theoretical arrival time (TAT) in an {@link AtomicLong}, and
 * a check is one compare-and-set on it (retried only if another thread changed it in between). Keys live in a bounded
 * Caffeine map and expire after {@code idleExpiry} without checks (an idle key is equivalent to a fresh one once its
 * reset-after has passed, so choose {@code idleExpiry} at least the largest {@code period + tau} in use). Thread-safe.
 */
final class LocalRateLimiter implements RateLimiter {
    /** TAT value of a key that has never been checked. */
    private static final long FRESH = Long.MIN_VALUE;

    private final NanoClock clock;
    private final Cache<String, AtomicLong> tats;

    public LocalRateLimiter(NanoClock clock, long maxKeys, Duration idleExpiry) {
        this.clock = clock;
        this.tats = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfterAccess(idleExpiry)
                .ticker(clock::nanoTime)
                .build();
    }

    @Override
    public RateDecision check(String key, RateLimit limit) {
        AtomicLong cell = tats.get(key, k -> new AtomicLong(FRESH));
        long t = limit.emissionIntervalNanos();
        long tau = limit.toleranceNanos();
        while (true) {
            long now = clock.nanoTime();
            long seen = cell.get();
            long tat = seen == FRESH || seen - now < 0 ? now : seen;
            long newTat = tat + t;
            long allowAt = newTat - tau;
            if (allowAt - now > 0) {
                return new RateDecision(false, 0, Duration.ofNanos(allowAt - now), Duration.ofNanos(tat - now));
            }
            if (cell.compareAndSet(seen, newTat)) {
                long remaining = (tau - (newTat - now)) / t;
                return new RateDecision(true, remaining, Duration.ZERO, Duration.ofNanos(newTat - now));
            }
        }
    }
}
