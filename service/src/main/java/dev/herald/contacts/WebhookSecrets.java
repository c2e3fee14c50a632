package dev.herald.contacts;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Standard Webhooks signing secrets: {@code whsec_} followed by the base64 of 24 to 64 random bytes (the HMAC key is
 * the decoded bytes), or, for asymmetric signing ({@code v1a}, Ed25519), a private key {@code whsk_} + base64 of its
 * 32-byte seed, whose public key {@code whpk_} + base64 of its 32 raw bytes is what the customer verifies with (they
 * never hold a shared secret). Stateless and thread-safe.
 */
public final class WebhookSecrets {
    public static final String PREFIX = "whsec_";
    /** An Ed25519 private signing key (its seed); stored like a secret, never answered. */
    public static final String SIGNING_PREFIX = "whsk_";
    /** An Ed25519 public key, readable by the customer. */
    public static final String PUBLIC_PREFIX = "whpk_";
    /** The DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519, before the 32 raw bytes. */
    private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    /** The DER prefix of a PKCS#8 Ed25519 private key, before the 32-byte seed. */
    private static final byte[] ED25519_PKCS8_PREFIX = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};

    /** A fresh Ed25519 key pair: {@code secret} (whsk_) to store, {@code publicKey} (whpk_) to show. */
    public record SigningKeys(String secret, String publicKey) {
        @Override
        public String toString() { return "SigningKeys[" + publicKey + "]"; }
    }
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

    /** A fresh Ed25519 key pair (JDK provider). */
    public static SigningKeys generateSigning() {
        try {
            java.security.KeyPair kp = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] pkcs8 = kp.getPrivate().getEncoded();
            byte[] spki = kp.getPublic().getEncoded();
            byte[] seed = java.util.Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
            byte[] pub = java.util.Arrays.copyOfRange(spki, spki.length - 32, spki.length);
            return new SigningKeys(SIGNING_PREFIX + Base64.getEncoder().encodeToString(seed), PUBLIC_PREFIX + Base64.getEncoder().encodeToString(pub));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is unavailable", e);
        }
    }

    /** Whether a stored secret is an Ed25519 signing key (v1a) rather than an HMAC secret (v1). */
    public static boolean asymmetric(String secret) {
        return secret != null && secret.startsWith(SIGNING_PREFIX);
    }

    /** The Ed25519 private key of a {@code whsk_} value; {@link IllegalArgumentException} (without the key) when malformed. */
    public static java.security.PrivateKey privateKey(String signingKey) {
        byte[] seed = decode(signingKey, SIGNING_PREFIX, "signing key");
        return (java.security.PrivateKey) der(ED25519_PKCS8_PREFIX, seed, true);
    }

    /** The Ed25519 public key of a {@code whpk_} value; {@link IllegalArgumentException} when malformed. */
    public static java.security.PublicKey publicKey(String publicKey) {
        byte[] raw = decode(publicKey, PUBLIC_PREFIX, "public key");
        return (java.security.PublicKey) der(ED25519_SPKI_PREFIX, raw, false);
    }

    private static byte[] decode(String value, String prefix, String what) {
        if (value == null || !value.startsWith(prefix)) throw new IllegalArgumentException(what + " must start with " + prefix);
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(value.substring(prefix.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " after " + prefix + " must be standard base64");
        }
        if (raw.length != 32) throw new IllegalArgumentException(what + " must decode to 32 bytes, got " + raw.length);
        return raw;
    }

    private static java.security.Key der(byte[] prefix, byte[] raw, boolean isPrivate) {
        byte[] der = java.util.Arrays.copyOf(prefix, prefix.length + raw.length);
        System.arraycopy(raw, 0, der, prefix.length, raw.length);
        try {
            java.security.KeyFactory f = java.security.KeyFactory.getInstance("Ed25519");
            return isPrivate ? f.generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der))
                    : f.generatePublic(new java.security.spec.X509EncodedKeySpec(der));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 key");
        }
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
