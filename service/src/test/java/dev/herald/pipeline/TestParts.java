package dev.herald.pipeline;

import dev.herald.api.Json;
import dev.herald.cache.LocalSingleFlight;
import dev.herald.delivery.MessageRenderer;
import dev.herald.delivery.RenderedMessage;
import dev.herald.Herald;
import dev.herald.limits.DeliveryGate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Small real implementations of the parts other features build, for pipeline tests. */
final class TestParts {
    private TestParts() {}

    static Pipeline.Parts parts(Herald herald, Duration sendTimeout) {
        return parts(herald, sendTimeout, DeliveryGate.OPEN);
    }

    /** The loopback sender and a JSON renderer; the real current-incidents view and graph of {@code herald}. */
    static Pipeline.Parts parts(Herald herald, Duration sendTimeout, DeliveryGate gate) {
        return new Pipeline.Parts(new LoopbackSender(sendTimeout), renderer(), gate,
                herald.currentIncidents(), herald.graph(),
                new LocalSingleFlight(Map.of(), Duration.ofMinutes(5), 10_000));
    }

    /** A gate that answers scripted decisions per contact (in order; then allow), counting its calls. */
    static final class ScriptedGate implements DeliveryGate {
        final Map<UUID, java.util.Deque<dev.herald.limits.GateDecision>> script = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<UUID, java.util.concurrent.atomic.AtomicInteger> calls = new java.util.concurrent.ConcurrentHashMap<>();

        void script(UUID contact, dev.herald.limits.GateDecision... decisions) {
            script.put(contact, new java.util.concurrent.ConcurrentLinkedDeque<>(List.of(decisions)));
        }

        @Override
        public dev.herald.limits.GateDecision check(UUID org, UUID contact, dev.herald.delivery.Channel channel, String group,
                                                    com.fasterxml.jackson.databind.JsonNode throttle) {
            calls.computeIfAbsent(contact, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
            var q = script.get(contact);
            var next = q == null ? null : q.poll();
            return next == null ? dev.herald.limits.GateDecision.ALLOW : next;
        }
    }

    static MessageRenderer renderer() {
        return (contact, event, context) -> {
            var body = Json.mapper().createObjectNode().put("type", event);
            body.set("data", context);
            try {
                return new RenderedMessage(Json.mapper().writeValueAsString(body), null, null, null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }
}
