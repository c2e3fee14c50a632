package dev.herald.pipeline;

import dev.herald.delivery.ContactTarget;
import dev.herald.delivery.RenderedMessage;
import dev.herald.delivery.SendOutcome;
import dev.herald.delivery.Sender;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/** A minimal real webhook sender for tests: POSTs the body with the webhook-id header, bounded by a request timeout. */
final class LoopbackSender implements Sender {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Duration timeout;

    LoopbackSender(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public SendOutcome send(ContactTarget contact, UUID deliveryId, int attempt, RenderedMessage message) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(contact.target())).timeout(timeout)
                    .header("webhook-id", deliveryId.toString())
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(message.webhookBody())).build();
            int status = client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status / 100 == 2) return new SendOutcome.Delivered(status);
            if (status == 410) return new SendOutcome.Disable("receiver answered 410 Gone");
            if (status == 429 || status >= 500) return new SendOutcome.Retry("receiver answered " + status, null);
            return new SendOutcome.Failed("receiver answered " + status);
        } catch (java.net.http.HttpTimeoutException e) {
            return new SendOutcome.Retry("timed out after " + timeout.toMillis() + " ms", null);
        } catch (java.io.IOException e) {
            return new SendOutcome.Retry(e.toString(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SendOutcome.Retry("interrupted", null);
        }
    }
}
