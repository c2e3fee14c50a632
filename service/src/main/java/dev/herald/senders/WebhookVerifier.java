package dev.herald.senders;

import dev.herald.contacts.WebhookSecrets;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies Standard Webhooks signatures: {@code webhook-signature: v1,<base64 HMAC-SHA256 of
 * "id.timestamp.body">}, keyed with the decoded {@code whsec_} secret; or, built from a {@code whpk_} public key,
 * verifies {@code v1a,<base64 Ed25519 signature>} entries (asymmetric signing). Verification compares in constant time, accepts
 * any of several space-separated signatures (secret rotation) and rejects timestamps more than the tolerance (5 minutes
 * by default) away from the verifier's clock. Immutable and thread-safe.
 */
public final class WebhookVerifier {
    /** How far a timestamp may be from now, either way, by default. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private final byte[] key;
    private final java.security.PublicKey publicKey;
    private final Clock clock;
    private final Duration tolerance;

    /** Why a request failed verification. */
    public static final class VerificationException extends Exception {
        public VerificationException(String message) {
            super(message);
        }
    }

    public WebhookVerifier(String secret) {
        this(secret, Clock.systemUTC(), DEFAULT_TOLERANCE);
    }

    public WebhookVerifier(String secret, Clock clock, Duration tolerance) {
        boolean asymmetric = secret != null && secret.startsWith(WebhookSecrets.PUBLIC_PREFIX);
        this.key = asymmetric ? null : WebhookSecrets.key(secret);
        this.publicKey = asymmetric ? WebhookSecrets.publicKey(secret) : null;
        this.clock = clock;
        this.tolerance = tolerance;
    }

    /** The {@code webhook-signature} header value for one attempt ({@code timestampSeconds} is Unix seconds). */
    public static String sign(String secret, String id, long timestampSeconds, String body) {
        return "v1," + Base64.getEncoder().encodeToString(hmac(WebhookSecrets.key(secret), id, timestampSeconds, body));
    }

    static String sign(byte[] key, String id, long timestampSeconds, String body) {
        return "v1," + Base64.getEncoder().encodeToString(hmac(key, id, timestampSeconds, body));
    }

    /**
     * Verifies one request from its three headers and raw body.
     *
     * @throws VerificationException naming what is wrong (missing header, stale timestamp, no matching signature)
     */
    public void verify(String id, String timestamp, String signatureHeader, String body) throws VerificationException {
        if (id == null || id.isEmpty()) throw new VerificationException("missing webhook-id");
        if (timestamp == null || timestamp.isEmpty()) throw new VerificationException("missing webhook-timestamp");
        if (signatureHeader == null || signatureHeader.isEmpty()) throw new VerificationException("missing webhook-signature");
        long ts;
        try {
            ts = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            throw new VerificationException("webhook-timestamp is not Unix seconds");
        }
        long now = clock.instant().getEpochSecond();
        if (Math.abs(now - ts) > tolerance.toSeconds()) {
            throw new VerificationException("webhook-timestamp is " + (now - ts) + " s from now, beyond the tolerance of "
                    + tolerance.toSeconds() + " s");
        }
        byte[] expected = key == null ? null : hmac(key, id, ts, body == null ? "" : body);
        String scheme = key == null ? "v1a" : "v1";
        for (String part : signatureHeader.trim().split(" +")) {
            int comma = part.indexOf(',');
            if (comma < 0 || !part.substring(0, comma).equals(scheme)) continue;
            byte[] given;
            try {
                given = Base64.getDecoder().decode(part.substring(comma + 1));
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (expected != null ? MessageDigest.isEqual(expected, given) : ed25519(id, ts, body == null ? "" : body, given)) return;
        }
        throw new VerificationException("no " + scheme + " signature matches");
    }

    /** True when {@link #verify} passes. */
    public boolean isValid(String id, String timestamp, String signatureHeader, String body) {
        try {
            verify(id, timestamp, signatureHeader, body);
            return true;
        } catch (VerificationException e) {
            return false;
        }
    }

    private boolean ed25519(String id, long ts, String body, byte[] signature) {
        try {
            java.security.Signature s = java.security.Signature.getInstance("Ed25519");
            s.initVerify(publicKey);
            s.update(WebhookSigner.signed(id, ts, body));
            return s.verify(signature);
        } catch (java.security.SignatureException e) {
            return false;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is unavailable", e);
        }
    }

    private static byte[] hmac(byte[] key, String id, long timestampSeconds, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal((id + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
