package dev.herald.bench.queue;

/**
 * What one side of the queue benchmark did: {@code tasks} queued, drained in {@code seconds} (first poll to last
 * commit), executions seen, duplicates (runs beyond the first of a task) and lost (tasks never run or still queued).
 */
public record SideResult(String name, int tasks, double seconds, long executions, long duplicates, long lost) {
    public double perSecond() {
        return seconds > 0 ? tasks / seconds : 0;
    }
}
