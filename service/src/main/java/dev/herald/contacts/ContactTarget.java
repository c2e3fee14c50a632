package dev.herald.contacts;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;

/**
 * A contact as the pipeline uses it: where to send ({@code channel}, {@code target}), how to sign and authenticate
 * ({@code secret}, {@code outboundAuth}, and during a rotation's overlap {@code previousSecret}, else null), what the
 * delivery gate counts ({@code throttle}, and its own {@code rateLimit} or null for the global one), and whether it is
 * disabled. {@code secret} is the webhook signing secret ({@code whsec_...}); it, {@code previousSecret} and
 * {@code outboundAuth} are secrets, as stored: sealed ({@code enc:v1:...}) until the sender opens them with
 * {@link ContactSecrets#open} right before it signs and authenticates. Never log them, never return them from the API ({@link #toString} leaves them
 * out). Immutable.
 */
public record ContactTarget(UUID id, UUID organizationId, Channel channel, String target, String secret, JsonNode outboundAuth,
                            JsonNode throttle, boolean disabled, String previousSecret, JsonNode rateLimit) {
    /** Without a rotation in progress and without a rate limit of its own. */
    public ContactTarget(UUID id, UUID organizationId, Channel channel, String target, String secret, JsonNode outboundAuth,
                         JsonNode throttle, boolean disabled) {
        this(id, organizationId, channel, target, secret, outboundAuth, throttle, disabled, null, null);
    }

    /** A live contact with no throttle settings. */
    public ContactTarget(UUID id, UUID organizationId, Channel channel, String target, String secret, JsonNode outboundAuth) {
        this(id, organizationId, channel, target, secret, outboundAuth, null, false);
    }

    @Override
    public String toString() {
        return "ContactTarget[" + id + " " + channel.wire() + " " + target + (disabled ? " disabled" : "") + "]";
    }
}
