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
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import dev.herald.infra.PgChannelListener;
import java.util.UUID;

/**
 * API keys: created with 256 random bits, shown once, stored only as their SHA-256 hash (a key is a random secret,
 * not a password, so a fast hash is right: it cannot be guessed, only stolen). Each has a scope ({@code read},
 * {@code write}, {@code admin}) and may expire. Verified keys are remembered by hash for {@code cache.ttl.api-keys} so
 * a request does not pay a database round trip for authentication; unknown keys are never cached (a key created in
 * another process works at once), an expired one is dropped on its next use, and a revocation is announced on
 * {@code herald_api_keys}: every process listening drops its cached keys when it hears it, or when its LISTEN
 * reconnects (revocations may have been missed meanwhile). The TTL is the fallback. Thread-safe; {@link #close} stops
 * the listener.
 */
public final class ApiKeys {
    static final String PREFIX = "hk_";
    private static final SecureRandom RANDOM = new SecureRandom();

    static final String CHANNEL = "herald_api_keys";
    private static final String INSERT = """
            INSERT INTO api_keys (id, organization_id, is_admin, key_hash, key_prefix, label, scope, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String AUTHENTICATE = """
            SELECT id, organization_id, is_admin, scope, expires_at FROM api_keys
            WHERE key_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())""";
    private static final String COUNT_LIVE = "SELECT count(*) FROM api_keys WHERE revoked_at IS NULL";
    /** Revokes a key of an organization (or any, for an admin: organization NULL) and announces it. */
    static final String REVOKE = """
            WITH r AS (UPDATE api_keys SET revoked_at = now()
                       WHERE id = ? AND revoked_at IS NULL AND (?::uuid IS NULL OR organization_id = ?::uuid)
                       RETURNING id)
            SELECT r.id, pg_notify('herald_api_keys', r.id::text) FROM r""";
    /** An organization's keys (admin keys with organization NULL), never their hashes. */
    static final String LIST_BY_ORG = """
            SELECT id, organization_id, scope, key_prefix, label, created_at, expires_at, revoked_at FROM api_keys
            WHERE organization_id IS NOT DISTINCT FROM ? ORDER BY created_at, id LIMIT ?""";

    private final Database db;
    private final Cache<String, Caller> verified;
    private final PgChannelListener listener;

    public ApiKeys(Database db, HttpSettings settings) {
        this.db = db;
        var ttl = settings.apiKeysTtl();
        this.verified = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(ttl).build();
        this.listener = new PgChannelListener(db, CHANNEL, settings.listenReconnectDelay(), settings.listenProbeInterval(),
                payload -> verified.invalidateAll(), verified::invalidateAll).start();
    }

    /** A newly created key; {@code secret} is the only time the key is available in clear. */
    public record CreatedKey(UUID id, UUID organizationId, boolean admin, String secret) {}

    /** A key as the API and the CLI list it: never its hash or secret, only its first characters. */
    public record KeyView(UUID id, UUID organizationId, String scope, String prefix, String label, OffsetDateTime createdAt,
                          OffsetDateTime expiresAt, OffsetDateTime revokedAt) {}

    /** Creates an admin key (organizationId null) or an organization key with write scope that never expires. */
    public CreatedKey create(UUID organizationId, String label) {
        return create(organizationId, label, organizationId == null ? "admin" : "write", null);
    }

    /**
     * Creates a key: an admin key (organizationId null, scope admin) or an organization key (scope read or write),
     * expiring at {@code expiresAt} (null: never). The organization must exist.
     */
    public CreatedKey create(UUID organizationId, String label, String scope, OffsetDateTime expiresAt) {
        if ((organizationId == null) != "admin".equals(scope)) {
            throw new IllegalArgumentException("scope admin is for admin keys only, and an admin key has scope admin");
        }
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
                ps.setString(7, scope);
                ps.setObject(8, expiresAt);
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
            if (known.expiresAt() == null || known.expiresAt().isAfter(OffsetDateTime.now())) return Optional.of(known);
            verified.invalidate(cacheKey);
            return Optional.empty();
        }
        Optional<Caller> found = db.read("ApiKeys.AUTHENTICATE", c -> {
            try (PreparedStatement ps = c.prepareStatement(AUTHENTICATE)) {
                ps.setBytes(1, h);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.empty();
                    UUID org = rs.getObject(2, UUID.class);
                    return Optional.of(new Caller(rs.getObject(1, UUID.class), rs.getBoolean(3) ? null : org, rs.getString(4),
                            rs.getObject(5, OffsetDateTime.class)));
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

    /**
     * Revokes key {@code id}: of {@code organizationId} only, or any key when it is null (an admin). True when a live
     * key was revoked; every listening process drops its cached keys when the revocation commits.
     */
    public boolean revoke(UUID id, UUID organizationId) {
        boolean revoked = db.write("ApiKeys.REVOKE", c -> {
            try (PreparedStatement ps = c.prepareStatement(REVOKE)) {
                ps.setObject(1, id);
                ps.setObject(2, organizationId);
                ps.setObject(3, organizationId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
        if (revoked) verified.invalidateAll(); // this process at once, whatever its listener is doing
        return revoked;
    }

    /** The keys of {@code organizationId} (null: the admin keys), oldest first, at most {@code limit}. */
    public List<KeyView> list(UUID organizationId, int limit) {
        return db.read("ApiKeys.LIST_BY_ORG", c -> {
            try (PreparedStatement ps = c.prepareStatement(LIST_BY_ORG)) {
                ps.setObject(1, organizationId);
                ps.setInt(2, limit);
                List<KeyView> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new KeyView(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getObject(6, OffsetDateTime.class), rs.getObject(7, OffsetDateTime.class),
                                rs.getObject(8, OffsetDateTime.class)));
                    }
                }
                return out;
            }
        });
    }

    /** True while this process hears revocations from every other process (for tests and health). */
    public boolean listening() {
        return listener.listening();
    }

    /** {@code /api-keys}: list, create and revoke keys. */
    public Routes routes(ApiSettings api) {
        return new ApiKeyRoutes(this, api);
    }

    /** Stops the revocation listener. */
    public void close() {
        listener.close();
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
