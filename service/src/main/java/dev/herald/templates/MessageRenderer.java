package dev.herald.templates;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.contacts.ContactTarget;
import java.time.Instant;

/** Renders a notification for a contact from its context (templates: defaults or the organization's overrides). Thread-safe. */
public interface MessageRenderer {
    /**
     * The message of event {@code event} that occurred at {@code occurredAt} (the envelope's {@code timestamp}: the
     * same on every attempt of a notification, so a retried body is byte-identical when its context is).
     */
    RenderedMessage render(ContactTarget contact, String event, Instant occurredAt, JsonNode context);

    /** The message of an event occurring now (previews and tests). */
    default RenderedMessage render(ContactTarget contact, String event, JsonNode context) {
        return render(contact, event, Instant.now(), context);
    }
}
