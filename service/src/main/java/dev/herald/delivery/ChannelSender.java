package dev.herald.delivery;

import dev.herald.config.HeraldConfig;
import java.util.UUID;

/** Sends through the contact's channel: webhooks to {@link WebhookSender}, email to {@link EmailSender}. Thread-safe. */
public final class ChannelSender implements Sender {
    private final Sender webhook;
    private final Sender email;

    public ChannelSender(Sender webhook, Sender email) {
        this.webhook = webhook;
        this.email = email;
    }

    /** Both channels configured from {@code delivery.*}. */
    public static ChannelSender fromConfig(HeraldConfig config) {
        return new ChannelSender(new WebhookSender(config), new EmailSender(config));
    }

    @Override
    public SendOutcome send(ContactTarget contact, UUID deliveryId, int attempt, RenderedMessage message) {
        return switch (contact.channel()) {
            case WEBHOOK -> webhook.send(contact, deliveryId, attempt, message);
            case EMAIL -> email.send(contact, deliveryId, attempt, message);
        };
    }
}
