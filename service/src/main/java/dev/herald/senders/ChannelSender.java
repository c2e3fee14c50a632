package dev.herald.senders;

import dev.herald.contacts.ContactTarget;
import dev.herald.infra.Metrics;
import dev.herald.templates.RenderedMessage;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends through the contact's channel: webhooks to {@link WebhookSender}, email to {@link EmailSender}. Each attempt's
 * latency goes to the {@code herald_delivery_send_seconds} histogram tagged with channel and outcome (delivered,
 * retry, failed, disable) when built with metrics. Thread-safe.
 */
public final class ChannelSender implements Sender, AutoCloseable {
    private final Sender webhook;
    private final Sender email;
    private final Metrics metrics;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public ChannelSender(Sender webhook, Sender email) {
        this(webhook, email, null);
    }

    public ChannelSender(Sender webhook, Sender email, Metrics metrics) {
        this.webhook = webhook;
        this.email = email;
        this.metrics = metrics;
    }

    /**
     * Both channels configured from {@code delivery.*}, timed into {@code metrics} (may be null); webhook secrets
     * are opened with {@code box}.
     */
    public static ChannelSender fromSettings(WebhookSettings webhook, SmtpSettings smtp, Metrics metrics, dev.herald.secrets.SecretBox box) {
        return new ChannelSender(new WebhookSender(webhook, box), new EmailSender(smtp), metrics);
    }

    /** Closes the channels that hold resources (the webhook HTTP client). */
    @Override
    public void close() {
        for (Sender s : new Sender[] {webhook, email}) {
            if (s instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing is best effort
                }
            }
        }
    }

    @Override
    public SendOutcome send(ContactTarget contact, UUID deliveryId, int attempt, RenderedMessage message) {
        long start = System.nanoTime();
        SendOutcome out = switch (contact.channel()) {
            case WEBHOOK -> webhook.send(contact, deliveryId, attempt, message);
            case EMAIL -> email.send(contact, deliveryId, attempt, message);
        };
        if (metrics != null) {
            String outcome = switch (out) {
                case SendOutcome.Delivered d -> "delivered";
                case SendOutcome.Retry r -> "retry";
                case SendOutcome.Failed f -> "failed";
                case SendOutcome.Disable d -> "disable";
            };
            timers.computeIfAbsent(contact.channel().wire() + "/" + outcome, k -> metrics.timer("herald.delivery.send",
                    "One send attempt to a receiver, by channel and outcome", "channel", contact.channel().wire(), "outcome", outcome))
                    .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
        return out;
    }
}
