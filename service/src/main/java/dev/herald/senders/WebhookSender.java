package dev.herald.senders;

import dev.herald.contacts.Channel;
import dev.herald.contacts.ContactTarget;
import dev.herald.contacts.OutboundAuth;
import dev.herald.contacts.TargetValidator;
import dev.herald.templates.RenderedMessage;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a rendered webhook body as a Standard Webhooks POST: {@code webhook-id} is the delivery id (stable across
 * retries), {@code webhook-timestamp} is fresh for each attempt and {@code webhook-signature} signs
 * {@code id.timestamp.body} with the contact's secret (and, during a rotation's overlap, with the previous one too). Adds the contact's outbound auth (static headers or an OAuth2
 * bearer token, fetched once and cached until shortly before expiry).
 *
 * <p>Outcomes: 2xx Delivered; 410 Disable; 429 and 5xx Retry (honouring {@code Retry-After}); 401 with OAuth2 drops
 * the cached token and retries; other 4xx Failed; timeouts and connection errors Retry. Every attempt is bounded by the
 * connect timeout plus the request timeout ({@code delivery.webhook.*}), so a receiver that hangs never stalls the
 * caller for longer. Never logs secrets, tokens or bodies. Thread-safe; share one instance.
 */
public final class WebhookSender implements Sender, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);
    private static final int REASON_BODY_CHARS = 200;

    private final HttpClient http;
    private final Clock clock;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final Duration retryAfterMax;
    private final int maxBodyBytes;
    private final boolean allowPrivate;
    private final OAuthTokens tokens;

    public WebhookSender(WebhookSettings settings) {
        this(settings, Clock.systemUTC());
    }

    /** With an injected clock: it stamps {@code webhook-timestamp}, reads HTTP-date Retry-After and ages OAuth2 tokens. */
    public WebhookSender(WebhookSettings settings, Clock clock) {
        this.clock = clock;
        this.connectTimeout = settings.connectTimeout();
        this.requestTimeout = settings.requestTimeout();
        this.retryAfterMax = settings.retryAfterMax();
        this.maxBodyBytes = settings.maxBodyBytes();
        this.allowPrivate = settings.allowPrivateTargets();
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Runnable::run)
                .build();
        this.tokens = new OAuthTokens(http, requestTimeout, settings.oauthRefreshMargin(),
                settings.oauthDefaultLifetime(), clock, settings.maxTokens());
    }

    @Override
    public SendOutcome send(ContactTarget contact, UUID deliveryId, int attempt, RenderedMessage message) {
        if (contact.channel() != Channel.WEBHOOK) {
            return new SendOutcome.Failed("contact " + contact.id() + " is not a webhook contact");
        }
        String body = message == null ? null : message.webhookBody();
        if (body == null) return new SendOutcome.Failed("no webhook body was rendered");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxBodyBytes) {
            return new SendOutcome.Failed("webhook body of " + bytes.length + " bytes is above delivery.webhook.max-body-bytes " + maxBodyBytes, "too_large", null, null);
        }
        OutboundAuth auth;
        WebhookSigner signer;
        WebhookSigner previous;
        URI uri;
        try {
            auth = OutboundAuth.parse(contact.outboundAuth());
            signer = WebhookSigner.of(contact.secret());
            previous = contact.previousSecret() == null ? null : WebhookSigner.of(contact.previousSecret());
            uri = URI.create(contact.target());
        } catch (IllegalArgumentException e) {
            return new SendOutcome.Failed("contact " + contact.id() + " is misconfigured: " + e.getMessage(), "misconfigured", null, null);
        }
        SendOutcome refused = checkPublic(uri.getHost(), "target");
        if (refused == null && auth instanceof OutboundAuth.OAuth2 o) refused = checkPublic(URI.create(o.tokenUrl()).getHost(), "token_url");
        if (refused != null) return refused;
        long ts = clock.instant().getEpochSecond();
        String id = deliveryId.toString();
        HttpRequest.Builder req = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "Herald-Webhooks/1")
                .header("webhook-id", id)
                .header("webhook-timestamp", Long.toString(ts))
                .header("webhook-signature", signatures(signer, previous, id, ts, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        switch (auth) {
            case OutboundAuth.Headers h -> h.headers().forEach(req::header);
            case OutboundAuth.OAuth2 o -> {
                try {
                    req.header("Authorization", "Bearer " + tokens.token(contact.id(), o));
                } catch (OAuthTokens.TokenException e) {
                    return e.retryable ? new SendOutcome.Retry(e.getMessage(), null, "oauth", null, null)
                            : new SendOutcome.Failed(e.getMessage(), "oauth", null, null);
                }
            }
            case null -> { }
        }
        SendOutcome outcome = exchange(req.build(), contact, auth);
        log.debug("webhook {} attempt {} to contact {}: {}", id, attempt, contact.id(), outcome);
        return outcome;
    }

    /**
     * The {@code webhook-signature} value: one {@code v1,} (or {@code v1a,} for an Ed25519 key) signature, or during a secret rotation's overlap two,
     * space-separated (new secret first), as the Standard Webhooks spec allows; a receiver verifying with either
     * secret accepts it.
     */
    static String signatures(WebhookSigner signer, WebhookSigner previous, String id, long ts, String body) {
        String current = signer.sign(id, ts, body);
        return previous == null ? current : current + " " + previous.sign(id, ts, body);
    }

    /**
     * Checked again at send time, not only when the contact was created: a host may have been re-pointed at a private
     * address since (DNS rebinding). Null when sending may go ahead.
     */
    private SendOutcome checkPublic(String host, String what) {
        if (allowPrivate) return null;
        java.net.InetAddress[] all;
        try {
            all = java.net.InetAddress.getAllByName(host);
        } catch (java.net.UnknownHostException e) {
            return new SendOutcome.Retry(what + " host " + host + " does not resolve", null, "dns", null, null);
        }
        for (java.net.InetAddress a : all) {
            if (TargetValidator.isPrivate(a)) {
                return new SendOutcome.Failed(what + " host " + host + " resolves to the non-public address " + a.getHostAddress()
                        + "; refused unless delivery.allow-private-targets", "refused_target", null, null);
            }
        }
        return null;
    }

    private SendOutcome exchange(HttpRequest request, ContactTarget contact, OutboundAuth auth) {
        CompletableFuture<HttpResponse<String>> future = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> resp;
        try {
            // The request timeout covers the response head; this bound also covers a receiver that stalls mid-body.
            resp = future.get(connectTimeout.plus(requestTimeout).toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return new SendOutcome.Retry("timed out after " + requestTimeout.toMillis() + " ms", null, "timeout", null, null);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return new SendOutcome.Retry("interrupted", null, "interrupted", null, null);
        } catch (ExecutionException e) {
            return transportFailure(e.getCause());
        }
        return classify(resp, contact, auth);
    }

    /** Closes the HTTP client (in-flight sends are cut off). */
    @Override
    public void close() {
        http.close();
    }

    private SendOutcome transportFailure(Throwable cause) {
        if (cause instanceof HttpTimeoutException) {
            return new SendOutcome.Retry("timed out after " + requestTimeout.toMillis() + " ms", null, "timeout", null, null);
        }
        if (cause instanceof ConnectException) {
            return new SendOutcome.Retry("connection failed", null, "connect", null, null);
        }
        if (cause instanceof IOException) {
            return new SendOutcome.Retry("I/O error" + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), null,
                    "io", null, null);
        }
        return new SendOutcome.Retry("send failed", null, "send_error", null, null);
    }

    SendOutcome classify(HttpResponse<String> resp, ContactTarget contact, OutboundAuth auth) {
        int status = resp.statusCode();
        String excerpt = SendOutcome.excerptOf(resp.body());
        if (status >= 200 && status < 300) return new SendOutcome.Delivered(status, excerpt);
        String reason = "receiver answered " + status + snippet(resp.body());
        if (status == 410) return new SendOutcome.Disable(reason, status, excerpt);
        if (status == 429 || status >= 500) {
            return new SendOutcome.Retry(reason, RetryAfter.parse(resp.headers().firstValue("Retry-After").orElse(null), clock, retryAfterMax),
                    "http_status", status, excerpt);
        }
        if (status == 401 && auth instanceof OutboundAuth.OAuth2 o) {
            tokens.invalidate(contact.id(), o);
            return new SendOutcome.Retry(reason + " (OAuth2 token dropped; a new one is fetched on retry)", null, "http_status", status, excerpt);
        }
        return new SendOutcome.Failed(reason, "http_status", status, excerpt);
    }

    private static String snippet(String body) {
        if (body == null || body.isBlank()) return "";
        String oneLine = body.strip().replaceAll("\\s+", " ");
        return ": " + (oneLine.length() > REASON_BODY_CHARS ? oneLine.substring(0, REASON_BODY_CHARS) + "…" : oneLine);
    }
}
