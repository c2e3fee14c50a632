package dev.herald.limits;

/**
 * A monotonic nanosecond time source, injected so that limiter tests move time by hand instead of sleeping.
 * Implementations must be thread-safe and never go backwards.
 */
@FunctionalInterface
public interface NanoClock {
    /** Nanoseconds since an arbitrary fixed origin (like {@link System#nanoTime()}). */
    long nanoTime();

    /** The JVM's monotonic clock. */
    NanoClock SYSTEM = System::nanoTime;
}
