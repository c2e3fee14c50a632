package dev.herald.secrets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals and opens secret values with AES-256-GCM under the {@link MasterKeys}: a fresh random 96-bit nonce per value,
 * a 128-bit tag, and associated data that binds the value to where it is stored (e.g. {@code contacts/<id>/secret}),
 * so a sealed value copied into another row or column does not open. The stored text is
 * {@code enc:v1:<keyId>:<base64(nonce + ciphertext + tag)>}. Text without the {@code enc:} prefix is a plaintext value
 * (from before encryption, or a fixture) and opens as itself. Errors never repeat a value. Thread-safe.
 */
public final class SecretBox {
    public static final String PREFIX = "enc:";
    static final String V1 = "enc:v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A sealed value that cannot be opened: its key is missing, or it was altered or moved. */
    public static final class SealedValueException extends IllegalStateException {
        SealedValueException(String message) { super(message); }
    }

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SecretBox.class);
    private final MasterKeys keys;
    private final java.util.concurrent.atomic.AtomicBoolean warnedPlaintext = new java.util.concurrent.atomic.AtomicBoolean();

    public SecretBox(MasterKeys keys) {
        this.keys = keys;
    }

    /** A box with no key: opens plaintext values only (tests of code that never meets a sealed value). */
    public static SecretBox plaintextOnly() {
        return new SecretBox(MasterKeys.of());
    }

    public MasterKeys keys() { return keys; }

    /** True when this process can seal (it has a current key). */
    public boolean canSeal() { return keys.current().isPresent(); }

    /** True when {@code stored} is a sealed value (null is not). */
    public static boolean isSealed(String stored) {
        return stored != null && stored.startsWith(PREFIX);
    }

    /** The key id a sealed value names, or empty for plaintext and null. */
    public static Optional<String> keyIdOf(String stored) {
        if (stored == null || !stored.startsWith(V1)) return Optional.empty();
        int end = stored.indexOf(':', V1.length());
        return end < 0 ? Optional.empty() : Optional.of(stored.substring(V1.length(), end));
    }

    /**
     * Seals {@code plaintext} under the current key, bound to {@code where}. Null stays null. Without a current key
     * (an external database with no {@code master.key}/{@code master.key-file}) the value is returned as it is: the
     * start warns about that, and the start-up step seals it once a key is given.
     */
    public String seal(String plaintext, String where) {
        if (plaintext == null) return null;
        Optional<MasterKeys.Key> current = keys.current();
        if (current.isEmpty()) {
            if (!warnedPlaintext.getAndSet(true)) {
                log.warn("a secret is stored in plain text: {}", SecretsSettings.howToGiveAKey());
            }
            return plaintext;
        }
        MasterKeys.Key k = current.get();
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = cipher(Cipher.ENCRYPT_MODE, k, nonce, where);
            byte[] ct = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            ByteBuffer out = ByteBuffer.allocate(NONCE_BYTES + ct.length).put(nonce).put(ct);
            return V1 + k.id() + ":" + Base64.getEncoder().encodeToString(out.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available: " + e.getMessage());
        }
    }

    /**
     * The plaintext of a stored value bound to {@code where}: a sealed one opened, a plaintext one as it is, null as
     * null.
     *
     * @throws SealedValueException naming the key id and the settings when the key is missing, or saying that the
     *                              value does not open under its key (a wrong key file, or an altered or moved value)
     */
    public String open(String stored, String where) {
        if (!isSealed(stored)) return stored;
        if (!stored.startsWith(V1)) throw new SealedValueException("secret of " + where + " is sealed in an unknown format (not enc:v1)");
        String id = keyIdOf(stored).orElseThrow(() -> new SealedValueException("secret of " + where + " is a malformed sealed value"));
        MasterKeys.Key k = keys.find(id).orElseThrow(() -> new SealedValueException("secret of " + where + " is sealed under master key "
                + id + ", which this Herald does not have (it has " + (keys.ids().isEmpty() ? "none" : String.join(", ", keys.ids()))
                + "); " + SecretsSettings.howToGiveAKey()));
        byte[] all;
        try {
            all = Base64.getDecoder().decode(stored.substring(V1.length() + id.length() + 1));
        } catch (IllegalArgumentException e) {
            throw new SealedValueException("secret of " + where + " is a malformed sealed value");
        }
        if (all.length < NONCE_BYTES + TAG_BITS / 8) throw new SealedValueException("secret of " + where + " is a malformed sealed value");
        try {
            Cipher c = cipher(Cipher.DECRYPT_MODE, k, java.util.Arrays.copyOf(all, NONCE_BYTES), where);
            return new String(c.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new SealedValueException("secret of " + where + " does not open under master key " + id
                    + ": the key file holds a different key with that id, or the value was altered or moved");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available: " + e.getMessage());
        }
    }

    /** True when {@code stored} is plaintext, or sealed under a key other than the current one (so sealing again changes it). */
    public boolean needsSealing(String stored) {
        if (stored == null) return false;
        Optional<MasterKeys.Key> current = keys.current();
        return current.isPresent() && !keyIdOf(stored).equals(Optional.of(current.get().id()));
    }

    private static Cipher cipher(int mode, MasterKeys.Key k, byte[] nonce, String where) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, new SecretKeySpec(k.bytes(), "AES"), new GCMParameterSpec(TAG_BITS, nonce));
        c.updateAAD(where.getBytes(StandardCharsets.UTF_8));
        return c;
    }
}
