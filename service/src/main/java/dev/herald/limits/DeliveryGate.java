package dev.herald.limits;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.contacts.Channel;
import java.util.UUID;

/**
 * Asked once per delivery before sending: rate limits and per-contact throttle windows. Thread-safe.
 * A {@link GateDecision.Delay} reschedules the work at its retry-after without counting an attempt; a
 * {@link GateDecision.Skip} records the delivery as throttled and does not send.
 */
public interface DeliveryGate {
    /**
     * Decides one occurrence of a delivery, named by {@code occurrenceId} (e.g. the work unit id) so that a retry of an
     * occurrence already counted in a throttle window is not counted (or skipped) again.
     *
     * @param groupKey        what throttle windows group by (e.g. the incident id)
     * @param contactThrottle the contact's throttle settings (may be empty)
     * @param contactLimit    the contact's own rate limit, counted on a key of the contact alone, instead of the global
     *                        {@code limits.*} one; null for the global one
     */
    GateDecision check(UUID organizationId, UUID contactId, Channel channel, String groupKey, JsonNode contactThrottle,
                       RateLimit contactLimit, String occurrenceId);

    /**
     * Like {@link #check(UUID, UUID, Channel, String, JsonNode, RateLimit, String)} under the global rate limit (the
     * contact has no {@code rate_limit} of its own).
     */
    default GateDecision check(UUID organizationId, UUID contactId, Channel channel, String groupKey, JsonNode contactThrottle,
                               String occurrenceId) {
        return check(organizationId, contactId, channel, groupKey, contactThrottle, null, occurrenceId);
    }

    /** Like {@link #check(UUID, UUID, Channel, String, JsonNode, String)} for a new occurrence (a fresh random id). */
    default GateDecision check(UUID organizationId, UUID contactId, Channel channel, String groupKey, JsonNode contactThrottle) {
        return check(organizationId, contactId, channel, groupKey, contactThrottle, null, UUID.randomUUID().toString());
    }

    /** Lets everything through (until rate limits are configured). */
    DeliveryGate OPEN = (org, contact, channel, group, throttle, limit, occurrence) -> GateDecision.ALLOW;
}
