package dev.herald.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.config.RetrySchedule;
import dev.herald.contacts.ContactHealth;
import dev.herald.contacts.ContactTarget;
import dev.herald.contacts.Contacts;
import dev.herald.json.Json;
import dev.herald.limits.DeliveryGate;
import dev.herald.limits.GateDecision;
import dev.herald.limits.RateLimit;
import dev.herald.senders.SendOutcome;
import dev.herald.senders.Sender;
import dev.herald.templates.MessageRenderer;
import dev.herald.templates.RenderedMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works one claimed work unit: context, render, throttle, send (idempotently, under the delivery's stable id, derived
 * from the unit); answers the {@link WorkQueue.Completion} that the consumer acks with the rest of its batch, which
 * also records the delivery and, when a send was made, its attempt. Never throws for a failing step: failures become
 * retries on the unit's retry schedule (the contact's, else its organization's, else {@code delivery.retry-schedule})
 * or, past the schedule's last attempt, an exhausted (dead) unit and a {@code delivery.exhausted} event. A unit whose
 * contact's circuit is open or whose contact is at its in-flight bound goes back to the queue without spending an
 * attempt ({@link ContactGuard}). Thread-safe.
 */
final class Processor {
    private static final Logger log = LoggerFactory.getLogger(Processor.class);

    private final ContextAssembler contexts;
    private final MessageRenderer renderer;
    private final DeliveryGate gate;
    private final Sender sender;
    private final Contacts contacts;
    private final DeliveryPolicy policy;
    private final ContactGuard guard;
    private final Operational operational;
    private final PipelineMetrics metrics;
    private final LongSupplier nanos;
    private final Clock clock;

    Processor(ContextAssembler contexts, MessageRenderer renderer, DeliveryGate gate, Sender sender, Contacts contacts,
              DeliveryPolicy policy, ContactGuard guard, Operational operational, PipelineMetrics metrics, LongSupplier nanos,
              Clock clock) {
        this.contexts = contexts;
        this.renderer = renderer;
        this.gate = gate;
        this.sender = sender;
        this.contacts = contacts;
        this.policy = policy;
        this.guard = guard;
        this.operational = operational;
        this.metrics = metrics;
        this.nanos = nanos;
        this.clock = clock;
    }

    WorkQueue.Completion process(WorkQueue.Claimed claimed, long claimNanos, String consumer) {
        WorkUnit u = claimed.unit();
        ContactTarget contact = claimed.contact();
        Deliveries.Key key = claimed.key();
        StepTimer t = new StepTimer(nanos, claimed.waitedMs());
        t.add("claim", claimNanos);
        RetrySchedule schedule = claimed.scheduleMs() != null ? RetrySchedule.stored(claimed.scheduleMs()) : policy.retrySchedule();
        Attempt a = new Attempt(t, u, consumer, key, schedule);
        try {
            if (contact == null || contact.disabled()) {
                // No delivery row for a contact that is gone (its row could not reference it).
                return a.finish(contact == null ? null : key, "failed", null, 0, 0, 0, "contact is disabled or gone", "contact_disabled");
            }
            if (key.alreadySent()) {
                // A previous attempt sent and recorded it, then lost its lease before the ack: do not send again.
                return a.finish(key, "done", null, 0, 0, 0, null, "already_sent");
            }
            OffsetDateTime now = OffsetDateTime.now(clock);
            ContactHealth.Snapshot health = claimed.health();
            if (health != null && health.pausedUntil() != null && health.pausedUntil().isAfter(now)) {
                // Claimed in the moment its circuit opened: back to the queue until it half-opens, not an attempt.
                long wait = Duration.between(now, health.pausedUntil()).toMillis();
                return a.finish(null, "queued", null, 0, -1, Math.max(1, wait), "circuit open until " + health.pausedUntil(), "circuit_open");
            }
            ContactGuard.Slot slot = guard.tryEnter(u.contactId());
            if (slot == null) {
                long wait = guard.busyDelay(u.contactId()).toMillis();
                return a.finish(null, "queued", null, 0, -1, Math.max(1, wait), "contact at delivery.contact-concurrency", "contact_busy");
            }
            try (slot) {
                return deliver(a, contact, health);
            }
        } catch (RuntimeException e) {
            log.warn("work unit {} attempt {} failed: {}", u.id(), u.attempts(), e.toString());
            // The unit's last_error is shown by GET /work-units/{id}: the reason, never a Java class name.
            return a.retry(key, 0, e.getMessage() != null ? e.getMessage() : "internal error", null);
        }
    }

    private WorkQueue.Completion deliver(Attempt a, ContactTarget contact, ContactHealth.Snapshot health) {
        WorkUnit u = a.u;
        StepTimer t = a.t;
        Deliveries.Key key = a.key;
        ContextAssembler.Assembled assembled = t.time("context", () -> contexts.contextOf(u));
        if (assembled.built()) t.flag("context_built");
        JsonNode ctx = assembled.context();
        RenderedMessage msg = t.time("render", () -> renderer.render(contact, u.event(), u.createdAt().toInstant(), ctx));
        String group = u.incidentId() != null ? u.incidentId().toString() : u.subjectType() + ":" + u.subjectId();
        GateDecision decision = t.time("throttle", () -> gate.check(u.organizationId(), u.contactId(),
                contact.channel(), group, contact.throttle(), RateLimit.ofContact(contact.rateLimit()),
                u.id().toString())); // a retry is not counted twice
        if (decision instanceof GateDecision.Delay d) {
            // Over a rate limit: come back at retry-after; this was not an attempt (the delivery row is left as it was).
            return a.finish(null, "queued", null, 0, -1, Math.max(1, d.retryAfter().toMillis()), "rate limited", "delayed");
        }
        if (decision instanceof GateDecision.Skip s) {
            return a.finish(key, "throttled", null, 0, 0, 0, s.reason(), "throttled");
        }
        OffsetDateTime started = OffsetDateTime.now(clock);
        long sendStart = nanos.getAsLong();
        SendOutcome outcome = t.time("send", () -> sender.send(contact, key.id(), u.attempts(), msg));
        int tookMs = (int) Math.min(Integer.MAX_VALUE, (nanos.getAsLong() - sendStart) / 1_000_000);
        String reason = outcome.reason();
        String label = switch (outcome) {
            case SendOutcome.Delivered ok -> "delivered";
            case SendOutcome.Retry r -> "retry";
            case SendOutcome.Failed f -> "failed";
            case SendOutcome.Disable x -> "disabled";
        };
        a.attempt = new WorkQueue.AttemptRecord(key.attempts() + 1, started.withOffsetSameInstant(ZoneOffset.UTC), tookMs, label,
                outcome.code(), outcome.errorClass(), reason == null ? null : truncate(reason), outcome.excerpt());
        metrics.delivery(label);
        return switch (outcome) {
            case SendOutcome.Delivered ok -> {
                guard.delivered(u.contactId(), health, started);
                yield a.finish(key, "done", ok.status(), 1, 0, 0, null, "delivered");
            }
            case SendOutcome.Retry r -> {
                guard.failed(u.contactId(), r.reason());
                yield a.retry(key, 1, r.reason(), r.retryAfter());
            }
            case SendOutcome.Failed f -> {
                guard.failed(u.contactId(), f.reason());
                yield a.finish(key, "failed", f.code(), 1, 0, 0, f.reason(), "failed");
            }
            case SendOutcome.Disable x -> {
                boolean disabled = t.time("disable", () -> contacts.disable(u.contactId(), x.reason()));
                if (disabled) guard.disabledByReceiver(u.organizationId(), u.contactId());
                yield a.finish(key, "failed", 410, 1, 0, 0, x.reason(), "contact_disabled");
            }
        };
    }

    /** One attempt at one unit: what {@link #finish} needs to write its completion. */
    private final class Attempt {
        final StepTimer t;
        final WorkUnit u;
        final String consumer;
        final Deliveries.Key key;
        final RetrySchedule schedule;
        WorkQueue.AttemptRecord attempt;

        Attempt(StepTimer t, WorkUnit u, String consumer, Deliveries.Key key, RetrySchedule schedule) {
            this.t = t;
            this.u = u;
            this.consumer = consumer;
            this.key = key;
            this.schedule = schedule;
        }

        /** Back to the queue after the schedule's delay, or exhausted (dead, {@code delivery.exhausted}) after its last attempt. */
        WorkQueue.Completion retry(Deliveries.Key key, int sends, String reason, Duration retryAfter) {
            Duration capped = retryAfter == null ? null
                    : retryAfter.compareTo(policy.retryAfterMax()) > 0 ? policy.retryAfterMax() : retryAfter;
            Duration delay = schedule.delayAfter(u.attempts(), capped, policy.retryJitter(),
                    () -> ThreadLocalRandom.current().nextDouble());
            if (delay == null) {
                if (key != null) {
                    try {
                        operational.exhausted(u.organizationId(), key.id(), u.contactId());
                    } catch (RuntimeException e) {
                        log.warn("could not raise delivery.exhausted for {}: {}", key.id(), e.toString());
                    }
                }
                return finish(key, "dead", null, sends, 0, 0, reason, "dead");
            }
            return finish(key, "queued", null, sends, 0, delay.toMillis(), reason, "retry");
        }

        /**
         * The completion of this attempt; the delivery row (when {@code key} is given) is recorded with it in the ack:
         * sent for done, failed for failed and dead, throttled, or still pending for a retry.
         */
        WorkQueue.Completion finish(Deliveries.Key key, String state, Integer responseCode, int sends, int attemptsDelta,
                                    long delayMs, String error, String outcome) {
            metrics.record(t, outcome);
            UUID deliveryId = key == null ? null : key.id();
            String timings = Json.write(t.toJson(outcome, u.attempts(), consumer, deliveryId));
            WorkQueue.DeliveryOutcome delivery = key == null ? null : new WorkQueue.DeliveryOutcome(deliveryId,
                    u.organizationId(), u.contactId(), u.channel(), switch (state) {
                        case "done" -> "sent";
                        case "failed", "dead" -> "failed";
                        case "throttled" -> "throttled";
                        default -> "pending";
                    }, responseCode, sends, u.event(), u.subjectType(), u.subjectId());
            return new WorkQueue.Completion(u.id(), state, attemptsDelta, delayMs, error == null ? null : truncate(error), timings,
                    delivery, schedule.attempts(), delivery == null ? null : attempt);
        }
    }

    private static String truncate(String s) {
        return s.length() > 1000 ? s.substring(0, 1000) : s;
    }
}
