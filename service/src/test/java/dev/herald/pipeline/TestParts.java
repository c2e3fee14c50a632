package dev.herald.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.Herald;
import dev.herald.contacts.Channel;
import dev.herald.limits.DeliveryGate;
import dev.herald.limits.GateDecision;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/** The pipeline on a test Herald's real parts (signed webhook sender, Pebble renderer, view, graph), with a chosen gate. */
final class TestParts {
    /** Settings every pipeline test needs: webhooks to loopback receivers are allowed. */
    static final Map<String, String> LOOPBACK = Map.of("delivery.allow-private-targets", "true");

    private TestParts() {}

    static Pipeline.Parts parts(Herald herald, DeliveryGate gate) {
        return new Pipeline.Parts(herald.sender(), herald.renderer(), gate, herald.currentIncidents(), herald.graph(),
                herald.singleFlight());
    }

    static Pipeline.Parts parts(Herald herald) {
        return parts(herald, DeliveryGate.OPEN);
    }

    /** A gate that answers scripted decisions per contact (in order; then allow), counting its calls. */
    static final class ScriptedGate implements DeliveryGate {
        final Map<UUID, Deque<GateDecision>> script = new ConcurrentHashMap<>();
        final Map<UUID, AtomicInteger> calls = new ConcurrentHashMap<>();

        void script(UUID contact, GateDecision... decisions) {
            script.put(contact, new ConcurrentLinkedDeque<>(List.of(decisions)));
        }

        @Override
        public GateDecision check(UUID org, UUID contact, Channel channel, String group, JsonNode throttle,
                                  dev.herald.limits.RateLimit limit, String occurrence) {
            calls.computeIfAbsent(contact, k -> new AtomicInteger()).incrementAndGet();
            var q = script.get(contact);
            var next = q == null ? null : q.poll();
            return next == null ? GateDecision.ALLOW : next;
        }
    }
}
