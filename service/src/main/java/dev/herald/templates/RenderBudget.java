package dev.herald.templates;

import java.io.Writer;
import java.time.Duration;

/**
 * What one render may spend: time (its timeout of CPU, at most a few timeouts of wall clock) and a number of characters. The render's thread holds it while it renders
 * ({@link #run}); the sandbox checks it at every loop iteration, macro call and block ({@link TemplateSandbox}), at
 * every filter and string or list the template builds, and at every write ({@link #writer}), and throws
 * {@link Exceeded} once it is spent, so a runaway template stops itself: a Java thread cannot be stopped from outside.
 * Confined to the rendering thread.
 */
final class RenderBudget {
    private static final ThreadLocal<RenderBudget> CURRENT = new ThreadLocal<>();
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();
    /** A render stops at this many timeouts of wall time even if it has not had its timeout of CPU (a starved machine). */
    static final int WALL_FACTOR = 2;

    private final Duration timeout;
    private final int maxChars;
    private final long cpuStart;
    private final long hardDeadlineNanos;
    /** Before this instant no check can find the budget spent, so checks only compare clocks; moved on as CPU is found unspent. */
    private long nextLookNanos;

    /** A budget starting now, on the thread that will render (the CPU time counted is this thread's). */
    RenderBudget(Duration timeout, int maxChars) {
        long now = System.nanoTime();
        this.timeout = timeout;
        this.maxChars = maxChars;
        this.cpuStart = cpuNow();
        this.nextLookNanos = now + timeout.toNanos();
        this.hardDeadlineNanos = now + WALL_FACTOR * timeout.toNanos();
    }

    private static long cpuNow() {
        return CPU.isCurrentThreadCpuTimeSupported() ? CPU.getCurrentThreadCpuTime() : -1;
    }

    /** The budget ran out: the render stops, and the message says which limit (no stack trace: it is not a bug). */
    static final class Exceeded extends RuntimeException {
        final boolean time;

        Exceeded(String message, boolean time) {
            super(message, null, false, false);
            this.time = time;
        }
    }

    /** Runs {@code body} on this thread under this budget. */
    <T> T run(java.util.function.Supplier<T> body) {
        RenderBudget outer = CURRENT.get();
        CURRENT.set(this);
        try {
            return body.get();
        } finally {
            if (outer == null) CURRENT.remove(); else CURRENT.set(outer);
        }
    }

    /**
     * Throws {@link Exceeded} when the current render has spent its time (no-op outside a render): its timeout of CPU
     * time on this thread, or {@link #WALL_FACTOR} timeouts of wall time. CPU time, because on a machine starved of CPU
     * a cheap render can take long on the wall clock, and a legitimate template must not fail (and its organization be
     * suspended) for other processes' load. Cheap: until the timeout has passed on the wall clock it only reads
     * {@link System#nanoTime}.
     */
    static void check() {
        RenderBudget b = CURRENT.get();
        if (b == null) return;
        long now = System.nanoTime();
        if (now - b.nextLookNanos < 0) return;
        long cpu = b.cpuStart < 0 ? Long.MAX_VALUE : cpuNow() - b.cpuStart;
        if (cpu >= b.timeout.toNanos() || now - b.hardDeadlineNanos >= 0) {
            throw new Exceeded("took longer than delivery.template.render-timeout " + b.timeout.toMillis() + "ms", true);
        }
        b.nextLookNanos = now + Math.max(1_000_000, b.timeout.toNanos() - cpu); // it cannot spend the rest sooner
    }

    /** Throws {@link Exceeded} when a string or list of {@code size} would pass the current render's character cap. */
    static void checkSize(long size) {
        RenderBudget b = CURRENT.get();
        if (b != null && size > b.maxChars) {
            throw new Exceeded("builds more than delivery.template.max-rendered-chars " + b.maxChars + " characters", false);
        }
        check();
    }

    /** An output that keeps at most the cap, checking the deadline at every write. */
    Writer writer() {
        return new Writer() {
            private final StringBuilder out = new StringBuilder();

            @Override
            public void write(char[] cbuf, int off, int len) {
                if ((long) out.length() + len > maxChars) {
                    throw new Exceeded("renders more than delivery.template.max-rendered-chars " + maxChars + " characters", false);
                }
                check();
                out.append(cbuf, off, len);
            }

            @Override
            public void write(String s, int off, int len) {
                if ((long) out.length() + len > maxChars) {
                    throw new Exceeded("renders more than delivery.template.max-rendered-chars " + maxChars + " characters", false);
                }
                check();
                out.append(s, off, off + len);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}

            @Override
            public String toString() { return out.toString(); }
        };
    }
}
