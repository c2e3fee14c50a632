package dev.herald.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.contacts.ContactTarget;
import dev.herald.contacts.Contacts;
import dev.herald.json.Json;
import dev.herald.limits.DeliveryGate;
import dev.herald.limits.GateDecision;
import dev.herald.senders.SendOutcome;
import dev.herald.senders.Sender;
import dev.herald.templates.MessageRenderer;
import dev.herald.templates.RenderedMessage;
import java.time.Duration;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works one claimed work unit: context, render, throttle, send (idempotently, under the delivery's stable id, derived
 * from the unit); answers the {@link WorkQueue.Completion} that the consumer acks with the rest of its batch, which
 * also records the delivery. Never throws for a failing
 * step: failures become retries (with backoff) or, past the last attempt, a dead unit. Thread-safe.
 */
final class Processor {
    private static final Logger log = LoggerFactory.getLogger(Processor.class);

    private final ContextAssembler contexts;
    private final MessageRenderer renderer;
    private final DeliveryGate gate;
    private final Sender sender;
    private final Contacts contacts;
    private final Backoff backoff;
    private final PipelineMetrics metrics;
    private final LongSupplier nanos;

    Processor(ContextAssembler contexts, MessageRenderer renderer, DeliveryGate gate, Sender sender, Contacts contacts,
              Backoff backoff, PipelineMetrics metrics, LongSupplier nanos) {
        this.contexts = contexts;
        this.renderer = renderer;
        this.gate = gate;
        this.sender = sender;
        this.contacts = contacts;
        this.backoff = backoff;
        this.metrics = metrics;
        this.nanos = nanos;
    }

    WorkQueue.Completion process(WorkQueue.Claimed claimed, long claimNanos, String consumer) {
        WorkUnit u = claimed.unit();
        ContactTarget contact = claimed.contact();
        Deliveries.Key key = claimed.key();
        UUID id = key.id();
        StepTimer t = new StepTimer(nanos, claimed.waitedMs());
        t.add("claim", claimNanos);
        try {
            if (contact == null || contact.disabled()) {
                // No delivery row for a contact that is gone (its row could not reference it).
                return finish(t, u, consumer, contact == null ? null : key, "failed", null, 0, 0, 0, "contact is disabled or gone", "contact_disabled");
            }
            if (key.alreadySent()) {
                // A previous attempt sent and recorded it, then lost its lease before the ack: do not send again.
                return finish(t, u, consumer, key, "done", null, 0, 0, 0, null, "already_sent");
            }
            ContextAssembler.Assembled assembled = t.time("context", () -> contexts.contextOf(u));
            if (assembled.built()) t.flag("context_built");
            JsonNode ctx = assembled.context();
            RenderedMessage msg = t.time("render", () -> renderer.render(contact, u.event(), ctx));
            String group = u.incidentId() != null ? u.incidentId().toString() : u.subjectType() + ":" + u.subjectId();
            GateDecision decision = t.time("throttle", () -> gate.check(u.organizationId(), u.contactId(),
                    contact.channel(), group, contact.throttle(), u.id().toString())); // a retry is not counted twice
            if (decision instanceof GateDecision.Delay d) {
                // Over a rate limit: come back at retry-after; this was not an attempt (the delivery row is left as it was).
                return finish(t, u, consumer, null, "queued", null, 0, -1, Math.max(1, d.retryAfter().toMillis()), "rate limited", "delayed");
            }
            if (decision instanceof GateDecision.Skip s) {
                return finish(t, u, consumer, key, "throttled", null, 0, 0, 0, s.reason(), "throttled");
            }
            SendOutcome outcome = t.time("send", () -> sender.send(contact, id, u.attempts(), msg));
            return switch (outcome) {
                case SendOutcome.Delivered ok -> {
                    metrics.delivery("delivered");
                    yield finish(t, u, consumer, key, "done", ok.status(), 1, 0, 0, null, "delivered");
                }
                case SendOutcome.Retry r -> {
                    metrics.delivery("retry");
                    yield retry(t, u, consumer, key, 1, r.reason(), r.retryAfter());
                }
                case SendOutcome.Failed f -> {
                    metrics.delivery("failed");
                    yield finish(t, u, consumer, key, "failed", null, 1, 0, 0, f.reason(), "failed");
                }
                case SendOutcome.Disable x -> {
                    metrics.delivery("disabled");
                    t.time("disable", () -> {
                        contacts.disable(u.contactId(), x.reason());
                        return null;
                    });
                    yield finish(t, u, consumer, key, "failed", 410, 1, 0, 0, x.reason(), "contact_disabled");
                }
            };
        } catch (RuntimeException e) {
            log.warn("work unit {} attempt {} failed: {}", u.id(), u.attempts(), e.toString());
            return retry(t, u, consumer, key, 0, e.getClass().getSimpleName() + ": " + e.getMessage(), null);
        }
    }

    private WorkQueue.Completion retry(StepTimer t, WorkUnit u, String consumer, Deliveries.Key key, int sends, String reason,
                                       Duration retryAfter) {
        if (u.attempts() >= u.maxAttempts()) {
            return finish(t, u, consumer, key, "dead", null, sends, 0, 0, reason, "dead");
        }
        long delay = backoff.delay(u.attempts(), retryAfter).toMillis();
        return finish(t, u, consumer, key, "queued", null, sends, 0, delay, reason, "retry");
    }

    /**
     * The completion of this attempt; the delivery row (when {@code key} is given) is recorded with it in the ack:
     * sent for done, failed for failed and dead, throttled, or still pending for a retry.
     */
    private WorkQueue.Completion finish(StepTimer t, WorkUnit u, String consumer, Deliveries.Key key, String state,
                                        Integer responseCode, int sends, int attemptsDelta, long delayMs, String error,
                                        String outcome) {
        metrics.record(t, outcome);
        UUID deliveryId = key == null ? null : key.id();
        String timings = Json.write(t.toJson(outcome, u.attempts(), consumer, deliveryId));
        WorkQueue.DeliveryOutcome delivery = key == null ? null : new WorkQueue.DeliveryOutcome(deliveryId,
                u.organizationId(), u.contactId(), u.channel(), switch (state) {
                    case "done" -> "sent";
                    case "failed", "dead" -> "failed";
                    case "throttled" -> "throttled";
                    default -> "pending";
                }, responseCode, sends);
        return new WorkQueue.Completion(u.id(), state, attemptsDelta, delayMs, error == null ? null : truncate(error), timings,
                delivery);
    }

    private static String truncate(String s) {
        return s.length() > 1000 ? s.substring(0, 1000) : s;
    }
}
