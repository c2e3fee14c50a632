package dev.herald.bench.queue;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts executions per task id, to tell duplicates (a task run twice) and losses (a task never run) apart from the
 * total. Thread-safe.
 */
public final class Tally {
    private final ConcurrentHashMap<Object, AtomicInteger> runs = new ConcurrentHashMap<>();
    private final AtomicLong executions = new AtomicLong();

    /** Records one execution of {@code id}. */
    public void executed(Object id) {
        runs.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        executions.incrementAndGet();
    }

    public long executions() { return executions.get(); }

    public int distinct() { return runs.size(); }

    /** Executions beyond the first of each id. */
    public long duplicates() { return executions.get() - runs.size(); }

    /** Ids of {@code expected} that never ran. */
    public long lost(Collection<?> expected) {
        return expected.stream().filter(id -> !runs.containsKey(id)).count();
    }

    /** Ids that ran but were never expected (a sign of counting the wrong queue). */
    public long unexpected(Collection<?> expected) {
        var set = new java.util.HashSet<Object>(expected);
        return runs.keySet().stream().filter(id -> !set.contains(id)).count();
    }
}
