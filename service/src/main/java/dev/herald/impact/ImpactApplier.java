package dev.herald.impact;

import dev.herald.infra.Database;
import dev.herald.infra.PgChannelListener;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the impact changes the triggers record (V93's {@code impact_changes}) into impact state and events, off the
 * writers' transactions: one daemon thread per process that runs consumers, woken by a notification on
 * {@code herald_impact} (through the one LISTEN loop, {@link PgChannelListener}) and polling every
 * {@code impact.apply-interval} in case a notification was lost. Each organization's changes are applied oldest first,
 * {@code impact.apply-batch} per transaction, under that organization's lock, so several processes may run an applier
 * on one database: they take turns per organization and never apply a change twice (the apply deletes what it
 * consumes in its own transaction). While changes keep coming it applies at most {@code impact.apply-duty-cycle} of its
 * time (after an apply of d it waits d x (1 - c) / c), so a storm of changes to wide incidents, each telling hundreds
 * of subjects, cannot starve the deliveries of the database; the changes recorded during the wait are applied
 * together, and the longer the backlog the more of them net out.
 *
 * <p><b>Hazard.</b> A failing apply (statement timeout, lost connection) rolls back whole: its changes stay recorded
 * and the next round retries them, so an organization whose apply always fails stays stale (logged at each failure)
 * while the others advance. Thread-safe.
 */
final class ImpactApplier implements AutoCloseable {
    static final String CHANNEL = "herald_impact";
    private static final Logger log = LoggerFactory.getLogger(ImpactApplier.class);

    private final ImpactStore store;
    private final ImpactSettings settings;
    private final Semaphore wake = new Semaphore(0);
    private final PgChannelListener listener;
    private final Thread thread;
    private volatile boolean closed;

    ImpactApplier(Database db, ImpactStore store, ImpactSettings settings) {
        this.store = store;
        this.settings = settings;
        this.listener = new PgChannelListener(db, CHANNEL, settings.applyInterval(), settings.listenProbe(),
                payload -> wake.release(), wake::release);
        this.thread = Thread.ofPlatform().daemon().name("impact-applier").unstarted(this::run);
    }

    ImpactApplier start() {
        listener.start();
        thread.start();
        return this;
    }

    private void run() {
        long interval = settings.applyInterval().toMillis();
        while (!closed) {
            try {
                wake.drainPermits();
                long t0 = System.nanoTime();
                int applied = applyPending(store, settings.applyBatch(), false);
                long busy = System.nanoTime() - t0;
                if (applied > 0 && settings.dutyCycle() < 1.0) {
                    // yield to deliveries: changes recorded meanwhile wait and are applied together
                    TimeUnit.NANOSECONDS.sleep((long) (busy * (1 - settings.dutyCycle()) / settings.dutyCycle()));
                }
                wake.tryAcquire(interval, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (closed) return;
                log.warn("impact: applying recorded changes failed; retrying in {} ms: {}", interval, e.getMessage());
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /**
     * Applies the changes recorded so far, organization by organization; returns how many it consumed. {@code wait}:
     * wait for another applier at work on an organization (then every change committed before the call is applied
     * when this returns), instead of leaving that organization to it.
     */
    static int applyPending(ImpactStore store, int batch, boolean wait) {
        int total = 0;
        for (UUID org : store.organizations(ImpactStore.PENDING_ORGANIZATIONS)) {
            int n;
            do {
                n = store.apply(org, batch, wait);
                total += n;
            } while (n >= batch);
        }
        return total;
    }

    @Override
    public void close() {
        closed = true;
        listener.close();
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
