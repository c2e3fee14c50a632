package dev.herald.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.herald.infra.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * API keys: created with 256 random bits, shown once, stored only as their SHA-256 hash (a key is a random secret,
 * not a password, so a fast hash is right: it cannot be guessed, only stolen). Verified keys are remembered by hash for
 * {@code cache.ttl.api-keys} so a request does not pay a database round trip for authentication; unknown keys are never
 * cached (a key created in another process works at once). Thread-safe.
 */
public final class ApiKeys {
    static final String PREFIX = "hk_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final String INSERT = """
            INSERT INTO api_keys (id, organization_id, is_admin, key_hash, key_prefix, label) VALUES (?, ?, ?, ?, ?, ?)""";
    private static final String AUTHENTICATE = """
            SELECT id, organization_id, is_admin FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL""";
    private static final String COUNT_LIVE = "SELECT count(*) FROM api_keys WHERE revoked_at IS NULL";

    private final Database db;
    private final Cache<String, Caller> verified;

    public ApiKeys(Database db, HttpSettings settings) {
        this.db = db;
        var ttl = settings.apiKeysTtl();
        this.verified = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(ttl).build();
    }

    /** A newly created key; {@code secret} is the only time the key is available in clear. */
    public record CreatedKey(UUID id, UUID organizationId, boolean admin, String secret) {}

    /** Creates an admin key (organizationId null) or an organization key. The organization must exist. */
    public CreatedKey create(UUID organizationId, String label) {
        String secret = PREFIX + randomToken();
        UUID id = UUID.randomUUID();
        db.write("ApiKeys.INSERT", c -> {
            if (organizationId != null) {
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM organizations WHERE id = ?")) {
                    ps.setObject(1, organizationId);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new IllegalArgumentException("organization " + organizationId + " does not exist");
                        }
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setObject(1, id);
                ps.setObject(2, organizationId);
                ps.setBoolean(3, organizationId == null);
                ps.setBytes(4, hash(secret));
                ps.setString(5, secret.substring(0, 7));
                ps.setString(6, label);
                ps.executeUpdate();
            }
            return null;
        });
        return new CreatedKey(id, organizationId, organizationId == null, secret);
    }

    /** The caller for a presented key, if it is live. */
    public Optional<Caller> authenticate(String presented) {
        if (presented == null || !presented.startsWith(PREFIX) || presented.length() > 200) {
            return Optional.empty();
        }
        byte[] h = hash(presented);
        String cacheKey = Base64.getEncoder().encodeToString(h);
        Caller known = verified.getIfPresent(cacheKey);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<Caller> found = db.read("ApiKeys.AUTHENTICATE", c -> {
            try (PreparedStatement ps = c.prepareStatement(AUTHENTICATE)) {
                ps.setBytes(1, h);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.empty();
                    UUID org = rs.getObject(2, UUID.class);
                    return Optional.of(new Caller(rs.getObject(1, UUID.class), rs.getBoolean(3) ? null : org));
                }
            }
        });
        found.ifPresent(caller -> verified.put(cacheKey, caller));
        return found;
    }

    /** Number of live keys (the first start creates an admin key when there is none). */
    public long countLive() {
        return db.read("ApiKeys.COUNT_LIVE", c -> {
            try (ResultSet rs = c.createStatement().executeQuery(COUNT_LIVE)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    static String randomToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
