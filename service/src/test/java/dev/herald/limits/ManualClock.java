package dev.herald.limits;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand; optionally it also advances by {@code autoStep} on every read. */
final class ManualClock implements NanoClock {
    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final long autoStep;

    ManualClock() { this(0); }

    ManualClock(long autoStepNanos) { this.autoStep = autoStepNanos; }

    @Override
    public long nanoTime() {
        return autoStep == 0 ? now.get() : now.getAndAdd(autoStep);
    }

    void advance(Duration d) { now.addAndGet(d.toNanos()); }
}
