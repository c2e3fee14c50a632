package dev.herald.senders;

import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import java.time.Duration;

/**
 * How {@link WebhookSender} sends ({@code delivery.webhook.*}, {@code delivery.oauth.*}, {@code delivery.retry-after-max},
 * {@code delivery.allow-private-targets}). Immutable.
 *
 * @param allowPrivateTargets   send to loopback, private and link-local addresses (tests and the demo)
 * @param connectTimeout        wait to connect, for a send or an OAuth2 token request
 * @param requestTimeout        wait for the receiver's answer after sending
 * @param maxBodyBytes          largest rendered body sent
 * @param retryAfterMax         cap on a receiver's {@code Retry-After}
 * @param oauthRefreshMargin    an OAuth2 token is fetched anew this long before it expires (at most half its lifetime)
 * @param oauthDefaultLifetime  lifetime assumed for a token whose response gives none
 * @param maxTokens             bound on cached OAuth2 tokens ({@code cache.max-entries})
 */
public record WebhookSettings(boolean allowPrivateTargets, Duration connectTimeout, Duration requestTimeout, int maxBodyBytes,
                              Duration retryAfterMax, Duration oauthRefreshMargin, Duration oauthDefaultLifetime, int maxTokens) {

    /** Reads the webhook settings (none of them has to agree with another: a refresh margin is capped per token). */
    public static WebhookSettings from(HeraldConfig config) {
        return new WebhookSettings(config.get(Settings.DELIVERY_ALLOW_PRIVATE_TARGETS), config.get(Settings.DELIVERY_WEBHOOK_CONNECT_TIMEOUT),
                config.get(Settings.DELIVERY_WEBHOOK_REQUEST_TIMEOUT), config.get(Settings.DELIVERY_WEBHOOK_MAX_BODY_BYTES),
                config.get(Settings.DELIVERY_RETRY_AFTER_MAX), config.get(Settings.DELIVERY_OAUTH_REFRESH_MARGIN),
                config.get(Settings.DELIVERY_OAUTH_DEFAULT_LIFETIME), config.get(Settings.CACHE_MAX_ENTRIES));
    }
}
