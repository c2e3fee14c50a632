package dev.herald.senders;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.herald.contacts.OutboundAuth;
import dev.herald.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * OAuth2 client-credentials tokens per contact, fetched once and cached until shortly before they expire. Concurrent
 * callers for one contact share one fetch (single-flight through Caffeine's async cache); a failed fetch is not cached.
 * Time comes from the injected clock. Thread-safe.
 */
final class OAuthTokens {
    /** A token fetch that did not succeed; {@code retryable} for timeouts, connection errors, 429 and 5xx. */
    static final class TokenException extends RuntimeException {
        final boolean retryable;

        TokenException(String message, boolean retryable) {
            super(message, null, false, false);
            this.retryable = retryable;
        }
    }

    record Key(UUID contactId, String tokenUrl, String clientId, String scope) {}

    record Token(String value, Duration cacheFor) {
        @Override
        public String toString() { return "Token[cached " + cacheFor + "]"; }
    }

    private final HttpClient http;
    private final Duration requestTimeout;
    private final Duration refreshMargin;
    private final Duration defaultLifetime;
    private final AsyncCache<Key, Token> cache;

    OAuthTokens(HttpClient http, Duration requestTimeout, Duration refreshMargin, Duration defaultLifetime, Clock clock, int maxEntries) {
        this.http = http;
        this.requestTimeout = requestTimeout;
        this.refreshMargin = refreshMargin;
        this.defaultLifetime = defaultLifetime;
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .expireAfter(Expiry.<Key, Token>creating((k, t) -> t.cacheFor()))
                .buildAsync();
    }

    /** The current access token for a contact, fetching one when none is cached. */
    String token(UUID contactId, OutboundAuth.OAuth2 auth) {
        Key key = new Key(contactId, auth.tokenUrl(), auth.clientId(), auth.scope());
        var future = cache.get(key, k -> fetch(auth));
        try {
            return future.get(requestTimeout.toMillis() * 2, TimeUnit.MILLISECONDS).value();
        } catch (ExecutionException | CompletionException e) {
            if (e.getCause() instanceof TokenException t) throw t;
            throw new TokenException("token request failed: " + e.getCause(), true);
        } catch (TimeoutException e) {
            throw new TokenException("token request timed out", true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenException("interrupted while waiting for a token", true);
        }
    }

    /** Forgets a contact's token (e.g. the receiver answered 401), so the next send fetches a new one. */
    void invalidate(UUID contactId, OutboundAuth.OAuth2 auth) {
        cache.synchronous().invalidate(new Key(contactId, auth.tokenUrl(), auth.clientId(), auth.scope()));
    }

    private Token fetch(OutboundAuth.OAuth2 auth) {
        StringBuilder form = new StringBuilder("grant_type=client_credentials");
        if (auth.scope() != null) form.append("&scope=").append(URLEncoder.encode(auth.scope(), StandardCharsets.UTF_8));
        String basic = Base64.getEncoder().encodeToString((URLEncoder.encode(auth.clientId(), StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(auth.clientSecret(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        HttpRequest req = HttpRequest.newBuilder(URI.create(auth.tokenUrl()))
                .timeout(requestTimeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(form.toString()))
                .build();
        HttpResponse<String> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TokenException("token endpoint unreachable: " + e.getClass().getSimpleName(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenException("interrupted while fetching a token", true);
        }
        int status = resp.statusCode();
        if (status == 429 || status >= 500) throw new TokenException("token endpoint answered " + status, true);
        if (status < 200 || status >= 300) throw new TokenException("token endpoint refused the client credentials (" + status + ")", false);
        JsonNode json;
        try {
            json = Json.mapper().readTree(resp.body());
        } catch (IOException e) {
            throw new TokenException("token endpoint answered malformed JSON", true);
        }
        String value = json.path("access_token").asText("");
        if (value.isEmpty()) throw new TokenException("token endpoint answered no access_token", true);
        String type = json.path("token_type").asText("bearer");
        if (!type.equalsIgnoreCase("bearer")) throw new TokenException("token endpoint answered token_type " + type + ", not bearer", false);
        Duration lifetime = defaultLifetime;
        JsonNode exp = json.get("expires_in");
        if (exp != null && (exp.isNumber() || exp.isTextual())) {
            try {
                lifetime = Duration.ofSeconds(Math.max(0, (long) Double.parseDouble(exp.asText())));
            } catch (NumberFormatException ignored) {
                // keep the default lifetime
            }
        }
        Duration margin = refreshMargin.compareTo(lifetime.dividedBy(2)) > 0 ? lifetime.dividedBy(2) : refreshMargin;
        return new Token(value, lifetime.minus(margin));
    }
}
