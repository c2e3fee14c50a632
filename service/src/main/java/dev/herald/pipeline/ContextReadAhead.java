package dev.herald.pipeline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles the notification contexts of the ready work units next in line before a consumer claims them, so that a
 * claimed unit's time between claim and ack is its own delivery (throttle, render, send, ack), not the assembly of a
 * context that the units behind it share anyway. Under a backlog this moves the assembly from the units' critical path
 * to the time they wait in the queue; with no backlog it changes nothing (a unit is claimed as soon as it is ready,
 * and a consumer that finds its context being prepared joins that assembly).
 *
 * <p><b>Design.</b> One loop per process reads the subjects of the next {@code window} ready units in claim order
 * ({@link WorkQueue#peekReady}, nothing is claimed or locked), skips subjects it already prepared, and prepares the
 * rest, {@code concurrency} at a time, through {@link ContextAssembler#prepare}: a context is assembled only when it is
 * neither cached nor being assembled (in any process, with Redis), so the assemblies per fingerprint stay at one
 * however many processes read ahead. It then waits for its assemblies before reading the window again, and pauses
 * {@code pause} when the window held nothing new; an empty queue waits on the {@link Waker} like a consumer.
 *
 * <p><b>Hazards.</b> Prepared contexts live in the single-flight cache for {@code cache.ttl.context}; a unit claimed
 * later than that is assembled by its consumer as before (and counted). A failed preparation is not retried here: the
 * consumer assembles the context itself and its failure takes the unit's usual retry path. Thread-safe.
 */
final class ContextReadAhead implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ContextReadAhead.class);

    private final WorkQueue queue;
    private final ContextAssembler contexts;
    private final Waker waker;
    private final int window;
    private final int concurrency;
    private final Duration pause;
    private final Duration pollInterval;
    private final Semaphore permits;
    private final Cache<String, Boolean> prepared;
    private final ExecutorService builders = Executors.newVirtualThreadPerTaskExecutor();
    private final Counter built;
    private final Counter found;
    private final Counter failed;
    private final Thread loop;
    private volatile boolean running = true;

    /**
     * @param window      ready units looked at per read ({@code work.read-ahead})
     * @param concurrency contexts assembled at once ({@code work.read-ahead-concurrency})
     * @param pause       wait when the window held nothing new ({@code work.read-ahead-pause})
     * @param remember    how long a prepared subject is not looked at again (the context's cache TTL)
     */
    ContextReadAhead(WorkQueue queue, ContextAssembler contexts, Waker waker, int window, int concurrency, Duration pause,
                     Duration pollInterval, Duration remember, MeterRegistry registry) {
        this.queue = queue;
        this.contexts = contexts;
        this.waker = waker;
        this.window = window;
        this.concurrency = concurrency;
        this.pause = pause;
        this.pollInterval = pollInterval;
        this.permits = new Semaphore(concurrency);
        this.prepared = Caffeine.newBuilder().maximumSize(Math.max(1_024L, window * 8L)).expireAfterWrite(remember).build();
        this.built = counter(registry, "assembled");
        this.found = counter(registry, "already_cached");
        this.failed = counter(registry, "failed");
        this.loop = Thread.ofVirtual().name("herald-read-ahead").start(this::run);
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("herald.context.read_ahead").description("Contexts prepared before their units were claimed")
                .tag("outcome", outcome).register(registry);
    }

    /** Contexts this process assembled ahead of their units' claims. */
    long assembled() {
        return (long) built.count();
    }

    private void run() {
        while (running) {
            try {
                List<ContextSubject> next = queue.peekReady(window);
                if (next.isEmpty()) {
                    waker.await(pollInterval.toMillis());
                    continue;
                }
                int started = 0;
                for (ContextSubject u : next) {
                    if (!running) return;
                    String key;
                    try {
                        key = contexts.keyOf(u);
                    } catch (RuntimeException e) {
                        continue; // e.g. the organization is gone: the consumer reports it with the unit
                    }
                    if (prepared.asMap().putIfAbsent(key, Boolean.TRUE) != null) continue;
                    permits.acquire();
                    started++;
                    builders.execute(() -> prepare(u));
                }
                permits.acquire(concurrency); // this window's assemblies are done: read the next one
                permits.release(concurrency);
                // Most of the window was prepared already: the read-ahead is about a window ahead of the consumers, and
                // reading it again at once would mostly find the same subjects (a peek costs as much as a claim).
                if (started * 2 < next.size()) Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("context read-ahead: {}", e.toString());
                try {
                    waker.await(pollInterval.toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void prepare(ContextSubject u) {
        try {
            if (contexts.prepare(u)) built.increment();
            else found.increment();
        } catch (RuntimeException e) {
            failed.increment();
            log.debug("context read-ahead for {} {}: {}", u.subjectType(), u.subjectId(), e.toString());
        } finally {
            permits.release();
        }
    }

    @Override
    public void close() {
        running = false; // the loop sees it within work.read-ahead-pause, or at once when the waker is closed
        try {
            if (!loop.join(Duration.ofSeconds(2))) loop.interrupt();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        builders.shutdownNow();
    }
}
