package dev.herald.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;
import java.util.Arrays;

/**
 * In-process sliding throttle windows: per key, the admission times and occurrence ids of the notifications counted
 * in the window, updated atomically per key ({@code asMap().compute}). A retry of a counted occurrence is admitted
 * without being counted again. Bounded; a key expires one window after its last admission. Thread-safe.
 */
final class LocalThrottleWindows {
    private record Entry(long at, String occurrence) {}

    private record Slot(long windowNanos, Entry[] entries) {}

    private final NanoClock clock;
    private final Cache<String, Slot> slots;

    LocalThrottleWindows(NanoClock clock, long maxKeys) {
        this.clock = clock;
        this.slots = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .ticker(clock::nanoTime)
                .expireAfter(new Expiry<String, Slot>() {
                    @Override public long expireAfterCreate(String k, Slot v, long now) { return v.windowNanos(); }
                    @Override public long expireAfterUpdate(String k, Slot v, long now, long current) { return v.windowNanos(); }
                    @Override public long expireAfterRead(String k, Slot v, long now, long current) { return current; }
                })
                .build();
    }

    ThrottleDecision admit(String key, ThrottleWindow w, String occurrence) {
        long windowNanos = w.window().toNanos();
        ThrottleDecision[] out = new ThrottleDecision[1];
        slots.asMap().compute(key, (k, slot) -> {
            long now = clock.nanoTime();
            Entry[] live = slot == null ? new Entry[0]
                    : Arrays.stream(slot.entries()).filter(e -> now - e.at() < windowNanos).toArray(Entry[]::new);
            for (Entry e : live) {
                if (e.occurrence().equals(occurrence)) {
                    out[0] = new ThrottleDecision(true, Duration.ZERO);
                    return new Slot(windowNanos, live);
                }
            }
            if (live.length >= w.max()) {
                long oldest = Arrays.stream(live).mapToLong(Entry::at).min().orElse(now);
                out[0] = new ThrottleDecision(false, Duration.ofNanos(oldest + windowNanos - now));
                return new Slot(windowNanos, live);
            }
            Entry[] next = Arrays.copyOf(live, live.length + 1);
            next[live.length] = new Entry(now, occurrence);
            out[0] = new ThrottleDecision(true, Duration.ZERO);
            return new Slot(windowNanos, next);
        });
        return out[0];
    }
}
