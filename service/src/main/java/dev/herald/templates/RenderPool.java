package dev.herald.templates;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The threads templates render on ({@code delivery.template.render-threads} platform threads, at most
 * {@code delivery.template.render-queue} renders waiting). Deliveries run on virtual threads: a CPU-bound render there
 * would hold one of the few carrier threads every delivery shares, so it runs here and the delivery waits, unmounted.
 * Each render gets a fresh {@link RenderBudget} when it starts; the caller waits at most {@link #maxWaitMillis} (one
 * timeout queued, then the render's wall-clock limit), so even a render that fails to stop cannot hold a delivery.
 * Thread-safe; close it.
 */
final class RenderPool implements AutoCloseable {
    private final ThreadPoolExecutor pool;
    private final Duration timeout;
    private final int maxChars;

    RenderPool(int threads, int queue, Duration timeout, int maxChars) {
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, "herald-render-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.pool.allowCoreThreadTimeOut(true);
        this.timeout = timeout;
        this.maxChars = maxChars;
    }

    /**
     * Runs {@code render} on a render thread under a fresh budget and returns what it returns.
     *
     * @throws TemplateException what {@code render} threw, or why it did not run or finish in time (cause
     *                           {@link RenderBudget.Exceeded} when the budget ran out)
     */
    <T> T render(String what, Function<RenderBudget, T> render) {
        Future<T> f;
        try {
            f = pool.submit(() -> render.apply(new RenderBudget(timeout, maxChars)));
        } catch (RejectedExecutionException e) {
            throw new TemplateException(what + " was not rendered: all render threads are busy (delivery.template.render-queue)", null);
        }
        try {
            return f.get(maxWaitMillis(timeout), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TemplateException t) throw t;
            throw new TemplateException(what + " failed to render: " + TemplateEngines.message(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new TemplateException(what + " failed to render: took longer than delivery.template.render-timeout "
                    + timeout.toMillis() + "ms", new RenderBudget.Exceeded("timeout", true));
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new TemplateException(what + " was not rendered: interrupted", e);
        }
    }

    /** Longest a caller waits for a render: one timeout in the queue, then the render's own wall-clock limit, plus a little. */
    static long maxWaitMillis(Duration timeout) {
        return (1 + RenderBudget.WALL_FACTOR) * timeout.toMillis() + 100;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
