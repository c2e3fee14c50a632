package dev.herald.api;

import dev.herald.infra.Database;
import dev.herald.secrets.SecretBox;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code Idempotency-Key} on POST and PATCH: the first request with a key (per organization; per key for an admin)
 * claims it in PostgreSQL (primary key, so concurrent requests in any process race on one row) and runs; its 2xx answer
 * is stored. A repeat within {@code api.idempotency-ttl} with the same method, path and body answers that response again
 * (header {@code Idempotent-Replayed: true}) and changes nothing; with another request it answers 422; while the first
 * is still running it waits up to {@code api.idempotency-wait}, then answers 409. A first request that fails (an error
 * answer, or the process dies) releases the key, so a retry runs again: only successes are remembered. Thread-safe.
 */
public final class Idempotency {
    public static final String HEADER = "Idempotency-Key";
    static final int MAX_KEY_CHARS = 255;

    /** Claims a key, or takes over one older than the TTL; answers a row when this request owns the key. */
    static final String CLAIM = """
            INSERT INTO idempotency_keys (scope_id, idem_key, request_hash) VALUES (?, ?, ?)
            ON CONFLICT (scope_id, idem_key) DO UPDATE
            SET request_hash = excluded.request_hash, status = NULL, response = NULL, content_type = NULL, created_at = now(),
                completed_at = NULL
            WHERE idempotency_keys.created_at < now() - ? * interval '1 millisecond'
            RETURNING 1""";
    static final String FIND = """
            SELECT request_hash, status, response, content_type FROM idempotency_keys WHERE scope_id = ? AND idem_key = ?""";
    static final String COMPLETE = """
            UPDATE idempotency_keys SET status = ?, response = ?, content_type = ?, completed_at = now()
            WHERE scope_id = ? AND idem_key = ?""";
    static final String RELEASE = "DELETE FROM idempotency_keys WHERE scope_id = ? AND idem_key = ? AND completed_at IS NULL";
    /** Drops up to 1,000 keys past the TTL (idempotency_keys_created_idx); run by one claim in 256. */
    static final String PRUNE = """
            DELETE FROM idempotency_keys WHERE (scope_id, idem_key) IN (
                SELECT scope_id, idem_key FROM idempotency_keys WHERE created_at < now() - ? * interval '1 millisecond' LIMIT 1000)""";

    private final Database db;
    private final Duration ttl;
    private final Duration wait;
    private final AtomicLong claims = new AtomicLong();
    private final SecretBox box;

    /** Stored responses (which may carry a secret shown once: a new API key, a contact's new signing secret) are sealed by {@code box}. */
    public Idempotency(Database db, Duration ttl, Duration wait, SecretBox box) {
        this.db = db;
        this.box = box;
        this.ttl = ttl;
        this.wait = wait;
    }

    /** {@code handler} run at most once per key: what the router registers for POST and PATCH. */
    Handler wrap(Handler handler) {
        return ctx -> {
            String key = ctx.header(HEADER);
            if (key == null) {
                handler.handle(ctx);
                return;
            }
            if (key.isEmpty() || key.length() > MAX_KEY_CHARS || !key.chars().allMatch(ch -> ch >= 0x21 && ch <= 0x7e)) {
                throw ApiException.badRequest(HEADER + " must be 1 to " + MAX_KEY_CHARS + " visible ASCII characters");
            }
            Caller caller = Caller.of(ctx);
            UUID scope = caller.admin() ? caller.keyId() : caller.organizationId();
            byte[] hash = ApiKeys.hash(ctx.method() + " " + ctx.path() + "\n" + ctx.body()); // SHA-256
            long deadline = System.nanoTime() + wait.toNanos();
            while (true) {
                if (claim(scope, key, hash)) {
                    run(ctx, handler, scope, key);
                    return;
                }
                if (replay(ctx, scope, key, hash, deadline)) return;
                // the first request failed and released the key meanwhile: claim it again
            }
        };
    }

    private void run(Context ctx, Handler handler, UUID scope, String key) throws Exception {
        boolean stored = false;
        try {
            handler.handle(ctx);
            int status = ctx.statusCode();
            if (status >= 200 && status < 300) {
                String body = ctx.result();
                complete(scope, key, status, body, ctx.res().getContentType());
                stored = true;
            }
        } finally {
            if (!stored) release(scope, key);
        }
    }

    /**
     * Answers the stored response of the first request with this key, waiting while it runs; false when the key was
     * released meanwhile (the first request failed), so the caller claims it again.
     */
    private boolean replay(Context ctx, UUID scope, String key, byte[] hash, long deadline) throws InterruptedException {
        while (true) {
            Stored s = find(scope, key);
            if (s == null) return false;
            if (!Arrays.equals(s.hash(), hash)) {
                throw ApiException.unprocessable(HEADER + " '" + Requests.abbreviate(key) + "' was used with a different request; use a new key");
            }
            if (s.status() != null) {
                ctx.status(s.status()).header("Idempotent-Replayed", "true");
                if (s.contentType() != null) ctx.contentType(s.contentType());
                ctx.result(s.response() == null ? "" : box.open(s.response(), place(scope, key)));
                return true;
            }
            if (System.nanoTime() > deadline) {
                throw ApiException.conflict("a request with " + HEADER + " '" + Requests.abbreviate(key) + "' is still running; retry later");
            }
            Thread.sleep(20);
        }
    }

    private static String place(UUID scope, String key) {
        return "idempotency_keys/" + scope + "/" + key;
    }

    /** Every stored response, locked: what {@link #sealAll} may seal again. */
    static final String LOCK_RESPONSES = "SELECT scope_id, idem_key, response FROM idempotency_keys WHERE response IS NOT NULL FOR UPDATE";
    static final String UPDATE_RESPONSE = "UPDATE idempotency_keys SET response = ? WHERE scope_id = ? AND idem_key = ?";

    /**
     * Seals again, on {@code c} (the caller's transaction), every stored response not sealed under the current master
     * key: plaintext ones and ones under an older key (a master key rotation). Answers how many changed.
     */
    public static int sealAll(java.sql.Connection c, SecretBox box) throws java.sql.SQLException {
        int n = 0;
        try (PreparedStatement lock = c.prepareStatement(LOCK_RESPONSES); ResultSet rs = lock.executeQuery();
             PreparedStatement up = c.prepareStatement(UPDATE_RESPONSE)) {
            while (rs.next()) {
                String stored = rs.getString(3);
                if (!box.needsSealing(stored)) continue;
                UUID scope = rs.getObject(1, UUID.class);
                String key = rs.getString(2);
                up.setString(1, box.seal(box.open(stored, place(scope, key)), place(scope, key)));
                up.setObject(2, scope);
                up.setString(3, key);
                up.addBatch();
                n++;
            }
            if (n > 0) up.executeBatch();
        }
        return n;
    }

    private record Stored(byte[] hash, Integer status, String response, String contentType) {}

    private boolean claim(UUID scope, String key, byte[] hash) {
        if (claims.incrementAndGet() % 256 == 0) prune();
        return db.write("Idempotency.CLAIM", c -> {
            try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
                ps.setObject(1, scope);
                ps.setString(2, key);
                ps.setBytes(3, hash);
                ps.setLong(4, ttl.toMillis());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    private Stored find(UUID scope, String key) {
        return db.read("Idempotency.FIND", c -> {
            try (PreparedStatement ps = c.prepareStatement(FIND)) {
                ps.setObject(1, scope);
                ps.setString(2, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new Stored(rs.getBytes(1), (Integer) rs.getObject(2), rs.getString(3), rs.getString(4)) : null;
                }
            }
        });
    }

    private void complete(UUID scope, String key, int status, String body, String contentType) {
        db.write("Idempotency.COMPLETE", c -> {
            try (PreparedStatement ps = c.prepareStatement(COMPLETE)) {
                ps.setInt(1, status);
                ps.setString(2, box.seal(body, place(scope, key)));
                ps.setString(3, contentType);
                ps.setObject(4, scope);
                ps.setString(5, key);
                return ps.executeUpdate();
            }
        });
    }

    private void release(UUID scope, String key) {
        db.write("Idempotency.RELEASE", c -> {
            try (PreparedStatement ps = c.prepareStatement(RELEASE)) {
                ps.setObject(1, scope);
                ps.setString(2, key);
                return ps.executeUpdate();
            }
        });
    }

    private void prune() {
        db.writeIdempotent("Idempotency.PRUNE", c -> {
            try (PreparedStatement ps = c.prepareStatement(PRUNE)) {
                ps.setLong(1, ttl.toMillis());
                return ps.executeUpdate();
            }
        });
    }
}
