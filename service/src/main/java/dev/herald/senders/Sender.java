package dev.herald.senders;

import dev.herald.contacts.ContactTarget;
import dev.herald.templates.RenderedMessage;
import java.util.UUID;

/**
 * Sends one rendered notification to one contact. {@code deliveryId} is stable across retries of the same delivery
 * (the webhook-id); each attempt is signed afresh. Implementations are thread-safe, bounded by timeouts, and never throw
 * for receiver failures (they answer a {@link SendOutcome}).
 */
public interface Sender {
    SendOutcome send(ContactTarget contact, UUID deliveryId, int attempt, RenderedMessage message);
}
