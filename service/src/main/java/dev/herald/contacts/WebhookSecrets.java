package dev.herald.contacts;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Standard Webhooks signing secrets: {@code whsec_} followed by the base64 of 24 to 64 random bytes. The HMAC key is
 * the decoded bytes. Stateless and thread-safe.
 */
public final class WebhookSecrets {
    public static final String PREFIX = "whsec_";
    static final int MIN_BYTES = 24;
    static final int MAX_BYTES = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSecrets() {}

    /** A fresh secret of 32 random bytes. */
    public static String generate() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The HMAC key of a secret; {@link IllegalArgumentException} (without the secret in the message) when malformed. */
    public static byte[] key(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            throw new IllegalArgumentException("secret must start with " + PREFIX);
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("secret after " + PREFIX + " must be standard base64");
        }
        if (key.length < MIN_BYTES || key.length > MAX_BYTES) {
            throw new IllegalArgumentException("secret must decode to " + MIN_BYTES + " to " + MAX_BYTES + " bytes, got " + key.length);
        }
        return key;
    }
}
