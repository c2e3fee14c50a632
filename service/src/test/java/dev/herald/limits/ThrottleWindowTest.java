package dev.herald.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.contacts.Channel;
import dev.herald.infra.Metrics;
import dev.herald.json.Json;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Throttle windows in process: parse, skip over the threshold, slide, group, count in metrics. */
class ThrottleWindowTest {
    private static JsonNode json(String s) throws Exception {
        return Json.mapper().readTree(s);
    }

    @Test
    void parsesAndRejectsBadSettingsNamingTheField() throws Exception {
        assertThat(ThrottleWindow.parse(json("{}"))).isEmpty();
        assertThat(ThrottleWindow.parse(null)).isEmpty();
        assertThat(ThrottleWindow.parse(json("{\"max\": 3, \"window\": \"24h\"}")))
                .contains(new ThrottleWindow(3, Duration.ofHours(24), ThrottleWindow.GroupBy.INCIDENT));
        assertThat(ThrottleWindow.parse(json("{\"max\": 1, \"window\": \"30m\", \"group_by\": \"contact\"}")))
                .contains(new ThrottleWindow(1, Duration.ofMinutes(30), ThrottleWindow.GroupBy.CONTACT));
        assertThatThrownBy(() -> ThrottleWindow.parse(json("{\"max\": 0, \"window\": \"1h\"}"))).hasMessageContaining("throttle.max");
        assertThatThrownBy(() -> ThrottleWindow.parse(json("{\"max\": -1, \"window\": \"1h\"}"))).hasMessageContaining("throttle.max");
        assertThatThrownBy(() -> ThrottleWindow.parse(json("{\"max\": 2.5, \"window\": \"1h\"}"))).hasMessageContaining("throttle.max");
        assertThatThrownBy(() -> ThrottleWindow.parse(json("{\"max\": 2, \"window\": \"0s\"}"))).hasMessageContaining("throttle.window");
        assertThatThrownBy(() -> ThrottleWindow.parse(json("{\"max\": 2, \"window\": \"soon\"}"))).hasMessageContaining("throttle.window");
        assertThatThrownBy(() -> ThrottleWindow.parse(json("{\"max\": 2}"))).hasMessageContaining("throttle.window");
        assertThatThrownBy(() -> ThrottleWindow.parse(json("{\"max\": 2, \"window\": \"1h\", \"group_by\": \"planet\"}")))
                .hasMessageContaining("throttle.group_by");
        assertThatThrownBy(() -> ThrottleWindow.parse(json("{\"max\": 2, \"window\": \"1h\", \"per\": 1}"))).hasMessageContaining("per");
    }

    @Test
    void overTheThresholdIsSkippedAndCountedThenTheWindowSlides() throws Exception {
        ManualClock clock = new ManualClock();
        Metrics metrics = new Metrics();
        LocalDeliveryGate gate = new LocalDeliveryGate(new RateLimit(1000, Duration.ofSeconds(1), 1000), RateScope.CONTACT, clock, 10_000, metrics);
        UUID org = UUID.randomUUID(), contact = UUID.randomUUID();
        JsonNode throttle = json("{\"max\": 2, \"window\": \"24h\"}");
        assertThat(gate.check(org, contact, Channel.WEBHOOK, "inc-1", throttle, "a")).isEqualTo(GateDecision.ALLOW);
        clock.advance(Duration.ofHours(1));
        assertThat(gate.check(org, contact, Channel.WEBHOOK, "inc-1", throttle, "b")).isEqualTo(GateDecision.ALLOW);
        assertThat(gate.check(org, contact, Channel.WEBHOOK, "inc-1", throttle, "b")).as("retry of b").isEqualTo(GateDecision.ALLOW);
        assertThat(gate.check(org, contact, Channel.WEBHOOK, "inc-1", throttle, "c"))
                .isEqualTo(new GateDecision.Skip("throttled: at most 2 per 1d per incident"));
        assertThat(gate.check(org, contact, Channel.WEBHOOK, "inc-2", throttle, "d")).as("another incident").isEqualTo(GateDecision.ALLOW);
        assertThat(gate.check(org, UUID.randomUUID(), Channel.WEBHOOK, "inc-1", throttle, "e")).as("another contact").isEqualTo(GateDecision.ALLOW);
        clock.advance(Duration.ofHours(23)); // "a" leaves the window, "b" is still in it
        assertThat(gate.check(org, contact, Channel.WEBHOOK, "inc-1", throttle, "f")).isEqualTo(GateDecision.ALLOW);
        assertThat(gate.check(org, contact, Channel.WEBHOOK, "inc-1", throttle, "g")).isInstanceOf(GateDecision.Skip.class);
        assertThat(metrics.registry().get("herald.gate.decisions").tag("decision", "skipped").counter().count()).isEqualTo(2);
        assertThat(metrics.registry().get("herald.gate.decisions").tag("decision", "allowed").counter().count()).isEqualTo(6);
        assertThat(metrics.registry().get("herald.gate.check").tag("backend", "local").timer().count()).isEqualTo(8);
    }

    @Test
    void groupByContactCountsEverythingSentToTheContact() throws Exception {
        ManualClock clock = new ManualClock();
        LocalDeliveryGate gate = new LocalDeliveryGate(new RateLimit(1000, Duration.ofSeconds(1), 1000), RateScope.CONTACT, clock, 10_000, new Metrics());
        UUID org = UUID.randomUUID(), contact = UUID.randomUUID();
        JsonNode throttle = json("{\"max\": 1, \"window\": \"10m\", \"group_by\": \"contact\"}");
        assertThat(gate.check(org, contact, Channel.EMAIL, "inc-1", throttle)).isEqualTo(GateDecision.ALLOW);
        assertThat(gate.check(org, contact, Channel.EMAIL, "inc-2", throttle)).isInstanceOf(GateDecision.Skip.class);
    }

    @Test
    void rateLimitDelaysAtTheRetryAfter() {
        ManualClock clock = new ManualClock();
        LocalDeliveryGate gate = new LocalDeliveryGate(new RateLimit(2, Duration.ofSeconds(1), 1), RateScope.CHANNEL, clock, 10_000, new Metrics());
        UUID org = UUID.randomUUID();
        assertThat(gate.check(org, UUID.randomUUID(), Channel.EMAIL, "i", null)).isEqualTo(GateDecision.ALLOW);
        assertThat(gate.check(org, UUID.randomUUID(), Channel.EMAIL, "i", null)).isEqualTo(new GateDecision.Delay(Duration.ofMillis(500)));
        assertThat(gate.check(org, UUID.randomUUID(), Channel.WEBHOOK, "i", null)).as("other channel").isEqualTo(GateDecision.ALLOW);
        clock.advance(Duration.ofMillis(500));
        assertThat(gate.check(org, UUID.randomUUID(), Channel.EMAIL, "i", null)).isEqualTo(GateDecision.ALLOW);
    }
}
