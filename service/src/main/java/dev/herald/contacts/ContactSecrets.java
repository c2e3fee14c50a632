package dev.herald.contacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.infra.Database;
import dev.herald.json.Json;
import dev.herald.secrets.SecretBox;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The secrets of the {@code contacts} table at rest: {@code secret} and {@code previous_secret} (webhook signing
 * secrets) and, inside {@code outbound_auth}, {@code client_secret} and every static header value. Each is sealed by
 * {@link SecretBox} bound to its row and place ({@code contacts/<id>/secret} for both signing secrets, since a rotation
 * moves one into the other; {@code contacts/<id>/outbound_auth/client_secret}; {@code contacts/<id>/outbound_auth/headers/<name>}),
 * and opened only where it is used: {@link #open} just before a send. The non-secret parts of outbound auth (type,
 * token URL, client id, scope, header names) stay readable JSON. Also the two whole-table steps: sealing what is not
 * yet sealed under the current key (at start, and for a master key rotation) and listing the key ids in use.
 * Stateless; thread-safe.
 */
public final class ContactSecrets {
    /** Every contact holding a secret, locked: what {@link #sealAll} may seal again. */
    static final String LOCK_WITH_SECRETS = """
            SELECT id, secret, previous_secret, outbound_auth::text FROM contacts
            WHERE secret IS NOT NULL OR previous_secret IS NOT NULL OR outbound_auth IS NOT NULL
            ORDER BY id FOR UPDATE""";
    /** Whether any secret is not sealed under the key whose value prefix is the parameter (a cheap check before locking). */
    static final String ANY_TO_SEAL = """
            SELECT EXISTS (SELECT 1 FROM contacts
                           WHERE (secret IS NOT NULL AND secret NOT LIKE ?) OR (previous_secret IS NOT NULL AND previous_secret NOT LIKE ?)
                              OR outbound_auth->>'client_secret' NOT LIKE ?
                              OR EXISTS (SELECT 1 FROM jsonb_each_text(CASE WHEN jsonb_typeof(outbound_auth->'headers') = 'object'
                                                                            THEN outbound_auth->'headers' END) h
                                         WHERE h.value NOT LIKE ?))""";
    static final String UPDATE_SEALED = "UPDATE contacts SET secret = ?, previous_secret = ?, outbound_auth = ?::jsonb WHERE id = ?";
    /** The master key ids named by the sealed values of every contact. */
    static final String KEY_IDS = """
            SELECT split_part(secret, ':', 3) FROM contacts WHERE secret LIKE 'enc:%'
            UNION SELECT split_part(previous_secret, ':', 3) FROM contacts WHERE previous_secret LIKE 'enc:%'
            UNION SELECT (regexp_matches(outbound_auth::text, '"enc:v1:([0-9a-f]+):', 'g'))[1] FROM contacts WHERE outbound_auth IS NOT NULL""";

    private ContactSecrets() {}

    static String secretPlace(UUID contactId) { return "contacts/" + contactId + "/secret"; }

    private static String clientSecretPlace(UUID contactId) { return "contacts/" + contactId + "/outbound_auth/client_secret"; }

    private static String headerPlace(UUID contactId, String name) { return "contacts/" + contactId + "/outbound_auth/headers/" + name; }

    /** What {@link #transformAuth} does to each secret value. */
    enum Step { SEAL_NEW, SEAL_AGAIN, OPEN }

    /**
     * Outbound auth in its stored form with every secret value transformed: {@code SEAL_NEW} seals submitted values,
     * {@code SEAL_AGAIN} seals stored ones not under the current key, {@code OPEN} opens them.
     */
    static JsonNode transformAuth(JsonNode stored, UUID contactId, SecretBox box, Step step) {
        if (stored == null || stored.isNull() || !stored.isObject()) return stored;
        ObjectNode n = stored.deepCopy();
        if (n.path("client_secret").isTextual()) {
            String v = n.get("client_secret").asText();
            n.put("client_secret", apply(step, box, v, clientSecretPlace(contactId)));
        }
        if (n.path("headers").isObject()) {
            ObjectNode h = (ObjectNode) n.get("headers");
            List<String> names = new ArrayList<>();
            h.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                if (!h.get(name).isTextual()) continue;
                String v = h.get(name).asText();
                h.put(name, apply(step, box, v, headerPlace(contactId, name)));
            }
        }
        return n;
    }

    private static String apply(Step step, SecretBox box, String v, String place) {
        return switch (step) {
            case SEAL_NEW -> box.seal(v, place);
            case SEAL_AGAIN -> sealAgain(box, v, place);
            case OPEN -> box.open(v, place);
        };
    }

    /** Seals a value, opening it first when it is sealed under another key; unchanged when already under the current one. */
    private static String sealAgain(SecretBox box, String stored, String place) {
        if (stored == null || !box.needsSealing(stored)) return stored;
        return box.seal(box.open(stored, place), place);
    }

    /** Seals a webhook signing secret of contact {@code contactId} for storing. */
    static String sealSecret(SecretBox box, String secret, UUID contactId) {
        return box.seal(secret, secretPlace(contactId));
    }

    /**
     * The contact with its secrets opened, for the sender to sign and authenticate with, right before it does; never
     * keep or expose the result.
     *
     * @throws SecretBox.SealedValueException when a secret cannot be opened (its master key is missing, or wrong)
     */
    public static ContactTarget open(ContactTarget t, SecretBox box) {
        if (!SecretBox.isSealed(t.secret()) && !SecretBox.isSealed(t.previousSecret())
                && (t.outboundAuth() == null || !t.outboundAuth().toString().contains("\"" + SecretBox.PREFIX))) {
            return t;
        }
        return new ContactTarget(t.id(), t.organizationId(), t.channel(), t.target(), box.open(t.secret(), secretPlace(t.id())),
                transformAuth(t.outboundAuth(), t.id(), box, Step.OPEN), t.throttle(), t.disabled(),
                box.open(t.previousSecret(), secretPlace(t.id())), t.rateLimit());
    }

    /**
     * Seals, in one transaction, every contact secret that is not sealed under the current master key: plaintext
     * values (rows from before encryption, fixtures) and values under older keys (a rotation). Answers how many rows
     * changed; 0 without touching anything when there is no current key or nothing to seal.
     *
     * @throws SecretBox.SealedValueException when a value is under a key this process does not have (nothing is written)
     */
    public static int sealAll(Database db, SecretBox box) {
        Optional<String> current = box.keys().current().map(k -> k.id());
        if (current.isEmpty()) return 0;
        if (!anyNotLike(db, "enc:v1:" + current.get() + ":%")) return 0;
        return db.write("ContactSecrets.SEAL_ALL", c -> sealAll(c, box));
    }

    /** True when some contact secret is stored in plain text. */
    public static boolean anyPlaintext(Database db) {
        return anyNotLike(db, SecretBox.PREFIX + "%");
    }

    private static boolean anyNotLike(Database db, String like) {
        return db.read("ContactSecrets.ANY_TO_SEAL", c -> {
            try (PreparedStatement ps = c.prepareStatement(ANY_TO_SEAL)) {
                for (int i = 1; i <= 4; i++) ps.setString(i, like);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getBoolean(1);
                }
            }
        });
    }

    /** {@link #sealAll(Database, SecretBox)} on the caller's transaction (a master key rotation seals several tables in one). */
    public static int sealAll(Connection c, SecretBox box) throws SQLException {
        int changed = 0;
        try (PreparedStatement lock = c.prepareStatement(LOCK_WITH_SECRETS);
             ResultSet rs = lock.executeQuery();
             PreparedStatement up = c.prepareStatement(UPDATE_SEALED)) {
            while (rs.next()) {
                UUID id = rs.getObject(1, UUID.class);
                String secret = rs.getString(2), previous = rs.getString(3), auth = rs.getString(4);
                String s2 = sealAgain(box, secret, secretPlace(id)), p2 = sealAgain(box, previous, secretPlace(id));
                JsonNode storedAuth = auth == null ? null : Json.readStored(auth, "contact outbound_auth");
                JsonNode a2 = transformAuth(storedAuth, id, box, Step.SEAL_AGAIN);
                if (java.util.Objects.equals(s2, secret) && java.util.Objects.equals(p2, previous) && java.util.Objects.equals(a2, storedAuth)) continue;
                up.setString(1, s2);
                up.setString(2, p2);
                up.setString(3, a2 == null ? null : a2.toString());
                up.setObject(4, id);
                up.addBatch();
                changed++;
            }
            if (changed > 0) up.executeBatch();
        }
        return changed;
    }

    /** The master key ids the stored contact secrets are sealed under, sorted. */
    public static List<String> keyIdsInUse(Database db) {
        return db.read("ContactSecrets.KEY_IDS", c -> {
            TreeSet<String> ids = new TreeSet<>();
            try (PreparedStatement ps = c.prepareStatement(KEY_IDS); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) ids.add(rs.getString(1));
            }
            return List.copyOf(ids);
        });
    }
}
