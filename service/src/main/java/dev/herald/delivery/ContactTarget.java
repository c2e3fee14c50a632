package dev.herald.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;

/**
 * What a sender needs to reach a contact. {@code secret} is the webhook signing secret ({@code whsec_...}); it and
 * {@code outboundAuth} are secrets: never log them, never return them from the API.
 */
public record ContactTarget(UUID id, UUID organizationId, Channel channel, String target, String secret, JsonNode outboundAuth) {
    @Override
    public String toString() {
        return "ContactTarget[" + id + " " + channel.wire() + " " + target + "]";
    }
}
