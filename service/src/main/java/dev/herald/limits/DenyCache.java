package dev.herald.limits;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers, per key, until when Redis has said "no": a denial with retry-after {@code r} for a check sent at local
 * time {@code t} means every check before {@code t + r} is denied too, in every process (a denial changes nothing, and
 * the theoretical arrival time only grows until it has passed). So until then a process answers "delayed" itself
 * instead of asking Redis again: a hot key stormed by many consumers costs Redis about one call per admission, not one
 * per check. It only ever denies, never admits, so it cannot let more through than the limit. Bounded (cleared when
 * full); an entry past its deny-until is dropped when next read. Thread-safe.
 */
final class DenyCache {
    private record Denied(long untilNanos, long resetUntilNanos, long emissionIntervalNanos, long toleranceNanos) {}

    private final NanoClock clock;
    private final long maxKeys;
    private final ConcurrentHashMap<String, Denied> denied = new ConcurrentHashMap<>();

    DenyCache(NanoClock clock, long maxKeys) {
        this.clock = clock;
        this.maxKeys = maxKeys;
    }

    /** The current time of this cache's clock (take it BEFORE asking Redis). */
    long now() {
        return clock.nanoTime();
    }

    /** A denial still in force for {@code key} under {@code limit}, or null. */
    RateDecision check(String key, RateLimit limit) {
        Denied d = denied.get(key);
        if (d == null || d.emissionIntervalNanos() != limit.emissionIntervalNanos() || d.toleranceNanos() != limit.toleranceNanos()) {
            return null;
        }
        long now = clock.nanoTime();
        if (d.untilNanos() - now <= 0) {
            denied.remove(key, d);
            return null;
        }
        return new RateDecision(false, 0, Duration.ofNanos(d.untilNanos() - now), Duration.ofNanos(Math.max(0, d.resetUntilNanos() - now)));
    }

    /** Records Redis's denial of a check sent at {@code sentAt} (this cache's clock); one already over is not kept. */
    void denied(String key, RateLimit limit, long sentAt, Duration retryAfter, Duration resetAfter) {
        long until = sentAt + retryAfter.toNanos();
        if (until - clock.nanoTime() <= 0) {
            return;
        }
        if (denied.size() >= maxKeys) {
            denied.clear(); // forgetting denials is always safe: Redis is asked again
        }
        denied.put(key, new Denied(until, sentAt + resetAfter.toNanos(), limit.emissionIntervalNanos(), limit.toleranceNanos()));
    }
}
