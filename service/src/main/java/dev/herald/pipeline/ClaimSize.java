package dev.herald.pipeline;

/**
 * The size of a consumer's next claim: starts at {@code work.batch-size}; a claim that came back full doubles it (up to
 * {@code work.batch-max}), a partial one resets it. A backlog is drained in few, large statements, a trickle is claimed
 * as it comes. Not thread-safe: one per consumer.
 */
public final class ClaimSize {
    private final int base;
    private final int max;
    private int next;

    public ClaimSize(int base, int max) {
        if (base < 1 || max < base) throw new IllegalArgumentException("claim sizes need 1 <= base <= max, got " + base + ", " + max);
        this.base = base;
        this.max = max;
        this.next = base;
    }

    /** How many units to ask for next. */
    public int next() {
        return next;
    }

    /** Adapts to a claim that asked for {@code asked} units and got {@code got}. */
    public void claimed(int asked, int got) {
        next = got >= asked ? (int) Math.min((long) next * 2, max) : base;
    }
}
