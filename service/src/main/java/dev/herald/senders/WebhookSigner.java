package dev.herald.senders;

import dev.herald.contacts.WebhookSecrets;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;

/**
 * One contact's signing key for the {@code webhook-signature} header: {@code v1,<base64 HMAC-SHA256>} with a
 * {@code whsec_} secret, or {@code v1a,<base64 Ed25519>} with a {@code whsk_} signing key (Standard Webhooks'
 * asymmetric scheme), each over {@code "id.timestamp.body"}. Built per send from the stored value (the key is parsed
 * once); immutable and thread-safe.
 */
abstract sealed class WebhookSigner {
    /** The signer of a stored secret; {@link IllegalArgumentException} (never showing it) when malformed. */
    static WebhookSigner of(String secret) {
        return WebhookSecrets.asymmetric(secret) ? new Ed25519(WebhookSecrets.privateKey(secret)) : new Hmac(WebhookSecrets.key(secret));
    }

    /** One signature entry ({@code v1,...} or {@code v1a,...}). */
    abstract String sign(String id, long timestampSeconds, String body);

    static byte[] signed(String id, long timestampSeconds, String body) {
        return (id + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8);
    }

    static final class Hmac extends WebhookSigner {
        private final byte[] key;

        Hmac(byte[] key) {
            this.key = key;
        }

        @Override
        String sign(String id, long timestampSeconds, String body) {
            return WebhookVerifier.sign(key, id, timestampSeconds, body);
        }
    }

    static final class Ed25519 extends WebhookSigner {
        private final PrivateKey key;

        Ed25519(PrivateKey key) {
            this.key = key;
        }

        @Override
        String sign(String id, long timestampSeconds, String body) {
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initSign(key);
                s.update(signed(id, timestampSeconds, body));
                return "v1a," + Base64.getEncoder().encodeToString(s.sign());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Ed25519 signing failed", e);
            }
        }
    }
}
