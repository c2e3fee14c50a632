package dev.herald.bench.ratelimit;

/** One limiter under test: admits or denies one check for a key. Thread-safe. */
interface BenchLimiter {
    /** The name in the table and the JSON ({@code herald}, {@code bucket4j}, {@code lock_based}). */
    String name();

    /**
     * @return whether the check was admitted
     * @throws Abandoned if the run ended while the check was still waiting (a lock, for the lock-based limiter)
     */
    boolean tryAcquire(String key);

    /** The run is over; a check still waiting gives up. */
    final class Abandoned extends RuntimeException {
        Abandoned() { super("abandoned at the end of the run", null, false, false); }
    }
}
