package dev.herald.pipeline;

import dev.herald.contacts.ContactHealth;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic part of the delivery policy, run by each process's queue maintenance every {@code work.prune-interval}:
 * disable contacts failing for longer than {@code delivery.disable-after} (and raise {@code contact.disabled}), keep
 * the attempt log's day partitions created ahead, and apply {@code retention.deliveries}. Every step is safe to run
 * from several processes at once, and a failing step does not stop the others.
 *
 * <p><b>Hazard.</b> An attempt is written into the day partition of its start; a day with no partition would fail the
 * ack of every unit attempted on it. Partitions are created {@code retention.partitions-ahead} days ahead at start and
 * on every run, so that takes every process being down (or this step failing) for that many days.
 */
final class DeliveryUpkeep implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryUpkeep.class);

    private final DeliveryPolicy policy;
    private final ContactHealth health;
    private final Operational operational;
    private final Retention retention;
    private final int batch;

    DeliveryUpkeep(DeliveryPolicy policy, ContactHealth health, Operational operational, Retention retention, int batch) {
        this.policy = policy;
        this.health = health;
        this.operational = operational;
        this.retention = retention;
        this.batch = batch;
    }

    /** Creates the attempt log's partitions ahead (at start, before any ack). */
    void prepare() {
        int made = retention.ensurePartitions(policy.partitionsAhead());
        if (made > 0) log.info("created {} day partitions of delivery_attempts", made);
    }

    @Override
    public void run() {
        try {
            for (ContactHealth.Disabled d : health.disableLongFailing(policy.disableAfter(), batch)) {
                log.warn("contact {} disabled: failing for longer than delivery.disable-after ({})", d.contactId(), policy.disableAfter());
                operational.contactEvent(d.organizationId(), d.contactId(), Operational.CONTACT_DISABLED);
            }
        } catch (RuntimeException e) {
            log.warn("disabling long-failing contacts failed: {}", e.toString());
        }
        try {
            prepare();
            List<String> dropped = retention.dropExpiredPartitions(policy.retention());
            if (!dropped.isEmpty()) log.info("dropped attempt partitions older than retention.deliveries: {}", dropped);
            int pruned = retention.pruneDeliveries(policy.retention(), batch);
            if (pruned > 0) log.info("deleted {} deliveries older than retention.deliveries", pruned);
        } catch (RuntimeException e) {
            log.warn("delivery retention failed: {}", e.toString());
        }
    }
}
