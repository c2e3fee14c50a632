package dev.herald.templates;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.herald.contacts.Channel;
import dev.herald.contacts.ContactTarget;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.time.Instant;
import java.util.UUID;

/**
 * Renders notifications with Pebble templates: the organization's overrides, else the shipped defaults. Templates see
 * the context's top-level fields as variables (e.g. {@code incident}, {@code organization}, {@code dependents},
 * {@code assets}, {@code intel_requests}; see {@code templates/sample-context.json}), plus {@code event},
 * {@code contact} ({@code id}, {@code channel}) and {@code context} (the whole context), all immutable. A webhook contact gets
 * {@code webhookBody} (valid JSON, checked); an email contact gets subject, text and HTML. Throws
 * {@link TemplateException} when a template fails to render. Thread-safe.
 */
public final class PebbleMessageRenderer implements MessageRenderer {
    private final Templates templates;
    /**
     * The template variables of a context, by identity: every contact of a subject gets the same context instance
     * (assembled once per fingerprint), so it is converted once. Read-only once built.
     */
    private final Cache<JsonNode, Map<String, Object>> variablesOf = // immutable values (FrozenContext), so sharing them is safe
            Caffeine.newBuilder().weakKeys().maximumSize(TemplateEngines.MEMO_ENTRIES).build();

    public PebbleMessageRenderer(Templates templates) {
        this.templates = templates;
    }

    @Override
    public RenderedMessage render(ContactTarget contact, String event, Instant occurredAt, JsonNode context) {
        Map<String, Object> vars = variables(variablesOf.get(context, FrozenContext::of), event, occurredAt, contact.id(), contact.channel());
        UUID org = contact.organizationId();
        return switch (contact.channel()) {
            case WEBHOOK -> new RenderedMessage(templates.render(org, WEBHOOK, vars).get(0), null, null, null);
            case EMAIL -> {
                List<String> parts = templates.render(org, EMAIL, vars);
                yield new RenderedMessage(null, parts.get(0).strip(), parts.get(1), parts.get(2));
            }
        };
    }

    private static final List<TemplateName> WEBHOOK = List.of(TemplateName.WEBHOOK_BODY);
    private static final List<TemplateName> EMAIL = List.of(TemplateName.EMAIL_SUBJECT, TemplateName.EMAIL_TEXT, TemplateName.EMAIL_HTML);

    /**
     * The variables of one render: the (immutable) context's fields, {@code context}, {@code event},
     * {@code timestamp} (when the event occurred, ISO 8601 UTC) and {@code contact}. The top-level map is new for each render and only it is writable (a template's
     * {@code {% set incident = ... %}} replaces its own variable); every value in it is immutable.
     */
    static Map<String, Object> variables(Map<String, Object> context, String event, Instant occurredAt, UUID contactId, Channel channel) {
        Map<String, Object> vars = new HashMap<>(context);
        vars.put("context", context);
        if (event != null) vars.put("event", event);
        vars.put("timestamp", occurredAt.toString());
        Map<String, Object> contact = new HashMap<>();
        contact.put("id", contactId == null ? null : contactId.toString());
        contact.put("channel", channel.wire());
        vars.put("contact", Collections.unmodifiableMap(contact));
        return vars;
    }
}
