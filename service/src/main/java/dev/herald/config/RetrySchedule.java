package dev.herald.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * When a delivery is attempted: entry {@code i} is the delay before attempt {@code i + 1}, counted from the failure of
 * attempt {@code i} (entry 0 from the change, normally {@code 0s}). The number of entries is the number of attempts; a
 * unit whose last attempt fails is exhausted. {@code delivery.retry-schedule} is the default; an organization and a
 * contact can have their own (the contact's wins).
 *
 * <p>Rules, checked by {@link #of}: at least one entry, at most {@link #MAX_ENTRIES}; no negative delay; delays do not
 * decrease (a receiver that is still down gets more room, never less); the sum (the horizon) at most the configured
 * {@code delivery.max-retry-horizon}. Immutable and thread-safe.
 */
public final class RetrySchedule {
    /** Most entries a schedule may have. */
    public static final int MAX_ENTRIES = 100;

    private final long[] delaysMs;

    private RetrySchedule(long[] delaysMs) {
        this.delaysMs = delaysMs;
    }

    /**
     * A checked schedule from delays in milliseconds.
     *
     * @throws IllegalArgumentException saying which rule the schedule breaks (without naming a field: callers do)
     */
    public static RetrySchedule of(long[] delaysMs, Duration maxHorizon) {
        if (delaysMs == null || delaysMs.length == 0) throw new IllegalArgumentException("must have at least one delay");
        if (delaysMs.length > MAX_ENTRIES) {
            throw new IllegalArgumentException("has " + delaysMs.length + " delays; at most " + MAX_ENTRIES + " are allowed");
        }
        long total = 0;
        for (int i = 0; i < delaysMs.length; i++) {
            if (delaysMs[i] < 0) throw new IllegalArgumentException("delay " + (i + 1) + " is negative");
            if (i > 0 && delaysMs[i] < delaysMs[i - 1]) {
                throw new IllegalArgumentException("delay " + (i + 1) + " (" + human(Duration.ofMillis(delaysMs[i]))
                        + ") is shorter than the one before it (" + human(Duration.ofMillis(delaysMs[i - 1]))
                        + "); delays must not decrease");
            }
            total = Math.addExact(total, delaysMs[i]);
        }
        if (total > maxHorizon.toMillis()) {
            throw new IllegalArgumentException("adds up to " + human(Duration.ofMillis(total))
                    + ", longer than delivery.max-retry-horizon (" + Durations.format(maxHorizon) + ")");
        }
        return new RetrySchedule(delaysMs.clone());
    }

    /** Parses {@code "0s,5s,5m"} (the setting's form). */
    public static RetrySchedule parse(String text, Duration maxHorizon) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("must have at least one delay");
        String[] parts = text.split(",", -1);
        List<Duration> delays = new ArrayList<>();
        for (String p : parts) delays.add(Durations.parse(p.trim()));
        return of(delays, maxHorizon);
    }

    /** A checked schedule from durations. */
    public static RetrySchedule of(List<Duration> delays, Duration maxHorizon) {
        long[] ms = new long[delays.size()];
        for (int i = 0; i < ms.length; i++) {
            try {
                ms[i] = delays.get(i).toMillis();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("delay " + (i + 1) + " is too long");
            }
        }
        return of(ms, maxHorizon);
    }

    /** A stored schedule, already checked when it was saved (not checked against the horizon again). */
    public static RetrySchedule stored(long[] delaysMs) {
        if (delaysMs == null || delaysMs.length == 0) throw new IllegalArgumentException("a stored retry schedule is empty");
        return new RetrySchedule(delaysMs.clone());
    }

    /** How many attempts a unit gets. */
    public int attempts() { return delaysMs.length; }

    /** The delays in milliseconds (a copy, for storing). */
    public long[] delaysMs() { return delaysMs.clone(); }

    /** The delays as text, e.g. {@code ["0s", "5s", "5m"]}. */
    public List<String> describe() {
        return Arrays.stream(delaysMs).mapToObj(ms -> human(Duration.ofMillis(ms))).toList();
    }

    /** The sum of the delays: how long after the change the last attempt starts, jitter and outages of Herald aside. */
    public Duration horizon() {
        return Duration.ofMillis(Arrays.stream(delaysMs).sum());
    }

    /**
     * The delay after attempt {@code attempt} (1-based) failed, or null when it was the last. The schedule's entry is
     * spread by {@code jitter} either way ({@code 0.2}: between 80% and 120%) so receivers that come back are not hit by
     * every retry at once; a receiver's {@code retryAfter} (already capped by the caller) raises it.
     */
    public Duration delayAfter(int attempt, Duration retryAfter, double jitter, DoubleSupplier random) {
        if (attempt >= delaysMs.length) return null;
        long base = delaysMs[Math.max(attempt, 0)];
        long spread = (long) (base * jitter * (2 * random.getAsDouble() - 1));
        long ms = Math.max(0, base + spread);
        if (retryAfter != null) ms = Math.max(ms, retryAfter.toMillis());
        return Duration.ofMillis(ms);
    }

    /** A duration as days, hours, minutes, seconds and milliseconds, e.g. {@code 85h35m5s} (hours not folded into days). */
    public static String human(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) return "0s";
        StringBuilder b = new StringBuilder();
        long h = ms / 3_600_000, m = ms / 60_000 % 60, sec = ms / 1000 % 60, rest = ms % 1000;
        if (h > 0) b.append(h).append('h');
        if (m > 0) b.append(m).append('m');
        if (sec > 0) b.append(sec).append('s');
        if (rest > 0) b.append(rest).append("ms");
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RetrySchedule r && Arrays.equals(delaysMs, r.delaysMs);
    }

    @Override
    public int hashCode() { return Arrays.hashCode(delaysMs); }

    @Override
    public String toString() { return String.join(",", describe()); }
}
