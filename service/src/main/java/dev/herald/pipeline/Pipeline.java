package dev.herald.pipeline;

import dev.herald.api.ApiSettings;
import dev.herald.api.Routes;
import dev.herald.cache.SingleFlight;
import dev.herald.contacts.ContactHealth;
import dev.herald.contacts.Contacts;
import dev.herald.current.CurrentIncidentLookup;
import dev.herald.graph.DependencyResolver;
import dev.herald.infra.Database;
import dev.herald.infra.Metrics;
import dev.herald.limits.DeliveryGate;
import dev.herald.senders.Sender;
import dev.herald.templates.MessageRenderer;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The notification pipeline of one process: the queue, the delivery log, context assembly and, once started, the
 * consumers and the context read-ahead ({@link ContextReadAhead}). Work units are created by database triggers (see {@code V40__pipeline.sql}) in the same transaction as the
 * change, so this class only consumes. Thread-safe.
 */
public final class Pipeline implements AutoCloseable {
    /** The parts the pipeline codes against, built by other features. */
    public record Parts(Sender sender, MessageRenderer renderer, DeliveryGate gate, CurrentIncidentLookup incidents,
                        DependencyResolver graph, SingleFlight singleFlight) {
        public Parts {
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(renderer, "renderer");
            Objects.requireNonNull(gate, "gate");
            Objects.requireNonNull(incidents, "incidents");
            Objects.requireNonNull(graph, "graph");
            Objects.requireNonNull(singleFlight, "singleFlight");
        }
    }

    private final PipelineSettings settings;
    private final Database db;
    private final WorkQueue queue;
    private final Deliveries deliveries;
    private final ContextAssembler contexts;
    private final Processor processor;
    private final ExecutorService fetchers = Executors.newVirtualThreadPerTaskExecutor();
    private final Metrics metrics;
    private final DeliveryUpkeep upkeep;
    private ConsumerPool pool;
    private ContextReadAhead readAhead;
    private final java.util.List<Runnable> alongside = new java.util.ArrayList<>();

    public Pipeline(PipelineSettings settings, Database db, Metrics metrics, Parts parts) {
        this.settings = settings;
        this.db = db;
        this.metrics = metrics;
        this.queue = new WorkQueue(db);
        this.deliveries = new Deliveries(db);
        PipelineMetrics pm = new PipelineMetrics(metrics, queue, settings.metricsTtl());
        this.contexts = new ContextAssembler(new PipelineReads(db), parts.incidents(), parts.graph(), parts.singleFlight(),
                fetchers, settings.defaultMaxDistance(), settings.referenceTtl(), settings.maxCacheEntries(), metrics.registry());
        Operational operational = new Operational(db, metrics);
        ContactHealth health = new ContactHealth(db);
        ContactGuard guard = new ContactGuard(settings.delivery(), health, queue, operational, System::nanoTime);
        this.upkeep = new DeliveryUpkeep(settings.delivery(), health, operational, new Retention(db), settings.pruneBatch());
        this.processor = new Processor(contexts, parts.renderer(), parts.gate(), parts.sender(), new Contacts(db),
                settings.delivery(), guard, operational, pm, System::nanoTime, Clock.systemUTC());
    }

    /**
     * Runs {@code start} when this process starts consumers (not when {@code work.consumers} is 0): for background work
     * that belongs to the processes doing the work, such as applying impact changes. Register before
     * {@link #startConsumers}.
     */
    public synchronized void alsoWhenConsumersStart(Runnable start) {
        alongside.add(start);
    }

    /** Starts {@code work.consumers} consumers (none when it is 0). Idempotent. */
    public synchronized ConsumerPool startConsumers() {
        if (pool == null) {
            PipelineSettings t = settings;
            Waker waker = new Waker(db, t.pollInterval(), t.listenProbeInterval());
            pool = new ConsumerPool(queue, processor, t, waker, System::nanoTime, upkeep);
            if (t.consumers() > 0) {
                upkeep.prepare();
                pool.start();
                alongside.forEach(Runnable::run);
                int window = t.readAhead();
                if (window > 0) {
                    readAhead = new ContextReadAhead(queue, contexts, waker, window, t.readAheadConcurrency(),
                            t.readAheadPause(), t.pollInterval(), t.contextTtl(),
                            metrics.registry());
                }
            }
        }
        return pool;
    }

    /**
     * {@code GET /work-units/{id}}, {@code POST /work-units/{id}/redrive}, {@code GET /deliveries}: they need no
     * consumers, so any process answers them from the database.
     */
    public static Routes routes(Database db, ApiSettings api, Parts parts) {
        return PipelineRoutes.create(db, api, parts);
    }

    /** The pool started by {@link #startConsumers}, or null. */
    public synchronized ConsumerPool pool() { return pool; }

    public WorkQueue queue() { return queue; }

    public Deliveries deliveries() { return deliveries; }

    public ContextAssembler contexts() { return contexts; }

    @Override
    public synchronized void close() {
        if (pool != null) pool.close();
        if (readAhead != null) readAhead.close();
        fetchers.shutdownNow();
    }
}
