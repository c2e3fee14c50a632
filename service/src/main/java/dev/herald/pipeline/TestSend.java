package dev.herald.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.contacts.ContactTarget;
import dev.herald.json.Json;
import dev.herald.limits.DeliveryGate;
import dev.herald.limits.GateDecision;
import dev.herald.senders.SendOutcome;
import dev.herald.senders.Sender;
import dev.herald.templates.MessageRenderer;
import dev.herald.templates.RenderedMessage;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * {@code POST /contacts/{id}/test}: a signed {@code herald.test} event sent now, through the contact's own templates,
 * the real delivery gate (its rate limit and throttle count it) and the real sender, answering what the receiver
 * answered. It is not queued and not retried: its webhook-id is fresh, and nothing is recorded in the delivery log.
 * Thread-safe.
 */
final class TestSend {
    static final String EVENT = "herald.test";

    /** What the receiver answered: outcome, HTTP status or SMTP reply, time to answer, and the start of its answer. */
    record Result(UUID webhookId, String outcome, Integer status, long latencyMs, String responseExcerpt, String error,
                  Long retryAfterMs) {}

    private final PipelineReads reads;
    private final MessageRenderer renderer;
    private final DeliveryGate gate;
    private final Sender sender;
    private final Clock clock;

    TestSend(PipelineReads reads, MessageRenderer renderer, DeliveryGate gate, Sender sender, Clock clock) {
        this.reads = reads;
        this.renderer = renderer;
        this.gate = gate;
        this.sender = sender;
        this.clock = clock;
    }

    Result send(ContactTarget contact) {
        UUID webhookId = UUID.randomUUID();
        ObjectNode ctx = Json.mapper().createObjectNode();
        ctx.set("organization", reads.organization(contact.organizationId()).orElse(Json.mapper().nullNode()));
        ctx.putObject("subject").put("type", "contact").put("id", contact.id().toString());
        ctx.putObject("test").put("message", "A test notification from Herald: your endpoint is reachable and verifies our signature.")
                .put("requested_at", OffsetDateTime.now(clock).toString());
        RenderedMessage msg = renderer.render(contact, EVENT, clock.instant(), ctx);
        GateDecision decision = gate.check(contact.organizationId(), contact.id(), contact.channel(), "test:" + contact.id(),
                contact.throttle(), dev.herald.limits.RateLimit.ofContact(contact.rateLimit()), webhookId.toString());
        if (decision instanceof GateDecision.Delay d) {
            return new Result(webhookId, "rate_limited", null, 0, null, "the contact's rate limit is spent; try again later",
                    d.retryAfter().toMillis());
        }
        if (decision instanceof GateDecision.Skip s) {
            return new Result(webhookId, "throttled", null, 0, null, s.reason(), null);
        }
        long start = System.nanoTime();
        SendOutcome out = sender.send(contact, webhookId, 1, msg);
        long ms = (System.nanoTime() - start) / 1_000_000;
        return switch (out) {
            case SendOutcome.Delivered d -> new Result(webhookId, "delivered", d.status(), ms, d.excerpt(), null, null);
            case SendOutcome.Retry r -> new Result(webhookId, "failed", r.code(), ms, r.excerpt(), r.reason(),
                    r.retryAfter() == null ? null : r.retryAfter().toMillis());
            case SendOutcome.Failed f -> new Result(webhookId, "failed", f.code(), ms, f.excerpt(), f.reason(), null);
            case SendOutcome.Disable x -> new Result(webhookId, "gone", x.code(), ms, x.excerpt(), x.reason(), null);
        };
    }
}
