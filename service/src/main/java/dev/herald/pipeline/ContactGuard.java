package dev.herald.pipeline;

import dev.herald.contacts.ContactHealth;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one receiver's trouble its own: per-contact in-flight bound, endpoint health, and the circuit.
 *
 * <ul>
 *   <li><b>Lanes.</b> At most {@code delivery.contact-concurrency} sends to one contact are in flight in this process.
 *       A unit claimed for a contact at its bound goes back to the queue without counting as an attempt; when the
 *       contact's oldest send in flight is slower than {@code delivery.slow-send}, all its ready units are put back by
 *       {@code delivery.contact-busy-delay} in one statement (at most once per that delay per process), so a hanging
 *       receiver's backlog is not claimed again and again while it hangs.</li>
 *   <li><b>Health.</b> Every failed send is counted on the contact's row; the {@code delivery.failing-after}-th in a row
 *       raises {@code contact.failing}. A success after failures (or, for a healthy contact, at most once per
 *       {@code delivery.success-record-interval}) clears the record.</li>
 *   <li><b>Circuit.</b> From {@code delivery.circuit-failures} failures in a row, the contact is paused: its queued
 *       units move to the end of the pause (no process claims them, new units are created there) and its half-open
 *       probe is the first unit claimed after it. Each reopening without a success doubles the pause, up to
 *       {@code delivery.circuit-open-max}. Pausing does not spend attempts: a receiver down for days costs a few probes
 *       per hour, and its deliveries keep their retry schedule for when it is back.</li>
 * </ul>
 * Across processes the bound is per process; health and the circuit are shared through the database. Thread-safe.
 */
final class ContactGuard {
    private static final Logger log = LoggerFactory.getLogger(ContactGuard.class);
    /** How long a unit of a contact that is merely busy (not slow) waits before it is claimed again. */
    static final Duration BUSY_RETRY = Duration.ofMillis(20);

    /** A contact's sends in flight in this process. */
    private static final class Lane {
        int inFlight;
        final long[] starts;
        long lastDeferNanos = Long.MIN_VALUE;

        Lane(int capacity) {
            starts = new long[capacity];
        }

        long oldest() {
            long min = Long.MAX_VALUE;
            for (long s : starts) if (s != 0 && s < min) min = s;
            return min;
        }
    }

    /** A taken place in a contact's lane; {@link #close} gives it back. */
    final class Slot implements AutoCloseable {
        private final UUID contactId;
        private final int index;
        private boolean closed;

        private Slot(UUID contactId, int index) {
            this.contactId = contactId;
            this.index = index;
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (closed) return;
                closed = true;
                Lane lane = lanes.get(contactId);
                lane.starts[index] = 0;
                if (--lane.inFlight == 0) lanes.remove(contactId);
            } finally {
                lock.unlock();
            }
        }
    }

    private final DeliveryPolicy policy;
    private final ContactHealth health;
    private final WorkQueue queue;
    private final Operational operational;
    private final LongSupplier nanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<UUID, Lane> lanes = new HashMap<>();

    ContactGuard(DeliveryPolicy policy, ContactHealth health, WorkQueue queue, Operational operational, LongSupplier nanos) {
        this.policy = policy;
        this.health = health;
        this.queue = queue;
        this.operational = operational;
        this.nanos = nanos;
    }

    /** A place in the contact's lane, or null when it is at {@code delivery.contact-concurrency}. */
    Slot tryEnter(UUID contactId) {
        lock.lock();
        try {
            Lane lane = lanes.computeIfAbsent(contactId, k -> new Lane(policy.contactConcurrency()));
            if (lane.inFlight >= lane.starts.length) return null;
            for (int i = 0; i < lane.starts.length; i++) {
                if (lane.starts[i] == 0) {
                    lane.starts[i] = Math.max(1, nanos.getAsLong());
                    lane.inFlight++;
                    return new Slot(contactId, i);
                }
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * How long a unit turned away by {@link #tryEnter} waits: a few milliseconds when the contact is only busy; when
     * its oldest send is slower than {@code delivery.slow-send}, {@code delivery.contact-busy-delay}, and then (once
     * per that delay per process) every ready unit of the contact is put back with it.
     */
    Duration busyDelay(UUID contactId) {
        boolean defer;
        lock.lock();
        try {
            Lane lane = lanes.get(contactId);
            if (lane == null) return BUSY_RETRY;
            long now = nanos.getAsLong();
            if (now - lane.oldest() < policy.slowSend().toNanos()) return BUSY_RETRY;
            defer = lane.lastDeferNanos == Long.MIN_VALUE || now - lane.lastDeferNanos >= policy.contactBusyDelay().toNanos();
            if (defer) lane.lastDeferNanos = now;
        } finally {
            lock.unlock();
        }
        if (defer) {
            try {
                int moved = queue.deferContact(contactId, policy.contactBusyDelay());
                if (moved > 0) log.info("contact {} is slow: {} ready units put back by {}", contactId, moved, policy.contactBusyDelay());
            } catch (RuntimeException e) {
                log.warn("could not put back the ready units of slow contact {}: {}", contactId, e.toString());
            }
        }
        return policy.contactBusyDelay();
    }

    /** Records a delivered send (writes only when the contact was failing, paused, or its last success is stale). */
    void delivered(UUID contactId, ContactHealth.Snapshot seen, OffsetDateTime now) {
        boolean stale = seen == null || seen.consecutiveFailures() > 0 || seen.pausedUntil() != null
                || seen.lastSuccessAt() == null
                || seen.lastSuccessAt().plus(policy.successRecordInterval()).isBefore(now);
        if (!stale) return;
        try {
            health.recordSuccess(contactId, policy.successRecordInterval());
        } catch (RuntimeException e) {
            log.warn("could not record the success of contact {}: {}", contactId, e.toString());
        }
    }

    /**
     * Records a failed send: counts it, raises {@code contact.failing} on the {@code delivery.failing-after}-th failure
     * in a row, and opens the circuit from {@code delivery.circuit-failures} on. Health is advisory: a failure to record
     * it is logged, never fails the unit.
     */
    void failed(UUID contactId, String error) {
        try {
            health.recordFailure(contactId, error).ifPresent(after -> {
                if (after.disabled()) return;
                if (after.consecutiveFailures() == policy.failingAfter()) {
                    operational.contactEvent(after.organizationId(), contactId, Operational.CONTACT_FAILING);
                }
                if (after.consecutiveFailures() >= policy.circuitFailures()) {
                    health.openCircuit(contactId, policy.circuitOpenFor(after.circuitOpens())).ifPresent(until -> {
                        int moved = queue.deferContactUntil(contactId, until);
                        log.info("contact {}: {} failures in a row, circuit open until {} ({} queued units wait for it)",
                                contactId, after.consecutiveFailures(), until, moved);
                    });
                }
            });
        } catch (RuntimeException e) {
            log.warn("could not record the failure of contact {}: {}", contactId, e.toString());
        }
    }

    /** A contact a receiver disabled (410): the operators hear {@code contact.disabled}. */
    void disabledByReceiver(UUID organizationId, UUID contactId) {
        try {
            operational.contactEvent(organizationId, contactId, Operational.CONTACT_DISABLED);
        } catch (RuntimeException e) {
            log.warn("could not raise contact.disabled for contact {}: {}", contactId, e.toString());
        }
    }

    /** Sends in flight to {@code contactId} in this process (for tests). */
    int inFlight(UUID contactId) {
        lock.lock();
        try {
            Lane lane = lanes.get(contactId);
            return lane == null ? 0 : lane.inFlight;
        } finally {
            lock.unlock();
        }
    }
}
