package dev.herald.templates;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.contacts.ContactTarget;

/** Renders a notification for a contact from its context (templates: defaults or the organization's overrides). Thread-safe. */
public interface MessageRenderer {
    RenderedMessage render(ContactTarget contact, String event, JsonNode context);
}
