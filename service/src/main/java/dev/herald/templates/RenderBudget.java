package dev.herald.templates;

import java.io.Writer;
import java.time.Duration;

/**
 * What one render may spend: a deadline and a number of characters. The render's thread holds it while it renders
 * ({@link #run}); the sandbox checks it at every loop iteration, macro call and block ({@link TemplateSandbox}), at
 * every filter and string or list the template builds, and at every write ({@link #writer}), and throws
 * {@link Exceeded} once it is spent, so a runaway template stops itself: a Java thread cannot be stopped from outside.
 * Confined to the rendering thread.
 */
final class RenderBudget {
    private static final ThreadLocal<RenderBudget> CURRENT = new ThreadLocal<>();

    private final long deadlineNanos;
    private final Duration timeout;
    private final int maxChars;

    RenderBudget(Duration timeout, int maxChars) {
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
        this.timeout = timeout;
        this.maxChars = maxChars;
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

    /** Throws {@link Exceeded} when the current render is past its deadline (no-op outside a render). */
    static void check() {
        RenderBudget b = CURRENT.get();
        if (b != null && System.nanoTime() - b.deadlineNanos > 0) {
            throw new Exceeded("took longer than delivery.template.render-timeout " + b.timeout.toMillis() + "ms", true);
        }
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
