package dev.herald.limits;

import java.time.Duration;

/** The answer of a {@link DeliveryGate}. */
public sealed interface GateDecision {
    GateDecision ALLOW = new Allow();

    record Allow() implements GateDecision {}

    /** Over a rate limit: try again after {@code retryAfter} (not an attempt). */
    record Delay(Duration retryAfter) implements GateDecision {}

    /** Over a throttle window: skip and record as throttled. */
    record Skip(String reason) implements GateDecision {}
}
