package dev.herald.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.herald.Herald;
import dev.herald.cli.Main;
import dev.herald.config.ConfigException;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import dev.herald.contacts.ContactSecrets;
import dev.herald.contacts.ContactTarget;
import dev.herald.contacts.WebhookSecrets;
import dev.herald.infra.Database;
import dev.herald.senders.SendOutcome;
import dev.herald.senders.WebhookSender;
import dev.herald.senders.WebhookSettings;
import dev.herald.senders.WebhookVerifier;
import dev.herald.templates.RenderedMessage;
import dev.herald.testing.TestApp;
import dev.herald.testing.TestPostgres;
import dev.herald.testing.WebhookReceiver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * Secrets at rest on a real embedded PostgreSQL: contacts with a known webhook secret (rotated, so a previous one too),
 * an OAuth2 client secret and a static header value; a dump of every table (COPY to text) holds none of them, while
 * webhooks still verify and OAuth still authenticates; {@code ./herald secrets rotate-master-key} seals everything
 * again under a new key; plaintext rows are sealed at start; a missing or wrong key is one clear line.
 */
@Tag("slow")
class SecretsAtRestTest {
    static final String CLIENT_ID = "herald";
    static final String CLIENT_SECRET = "client-secret-" + UUID.randomUUID();
    static Path keyFile;
    static TestApp app;
    static String dbUrl;
    static HttpServer tokenServer;
    static final AtomicInteger tokenRequests = new AtomicInteger();
    static WebhookReceiver receiver;
    static final String S1 = WebhookSecrets.generate();
    static final String S3 = WebhookSecrets.generate();

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("herald-secrets");
        keyFile = dir.resolve("master.key");
        Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keyFile, MasterKeys.newKeyText() + "\n");
        app = TestApp.start(Map.of(Settings.MASTER_KEY_FILE.key(), keyFile.toString(), "delivery.allow-private-targets", "true"));
        dbUrl = app.herald.config().get(Settings.DATABASE_URL).orElseThrow();
        tokenServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        tokenServer.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        tokenServer.createContext("/token", ex -> {
            String expected = "Basic " + Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
            boolean ok = expected.equals(ex.getRequestHeaders().getFirst("Authorization"));
            byte[] body = (ok ? "{\"access_token\":\"tok-" + tokenRequests.incrementAndGet() + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}"
                    : "{\"error\":\"invalid_client\"}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(ok ? 200 : 401, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        tokenServer.start();
        receiver = WebhookReceiver.start(S1).accept(S3);
    }

    @AfterAll
    static void stop() {
        if (receiver != null) receiver.close();
        if (tokenServer != null) tokenServer.stop(0);
        if (app != null) app.close();
    }

    String createWebhook(String secret, Map<String, Object> outboundAuth) {
        Map<String, Object> body = new HashMap<>(Map.of("channel", "webhook", "target", receiver.url(), "secret", secret));
        if (outboundAuth != null) body.put("outbound_auth", outboundAuth);
        var r = app.post("/organizations/" + app.orgId + "/contacts", app.orgKey, body);
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return r.body().get("id").asText();
    }

    WebhookReceiver.Received testSend(String contactId) {
        var r = app.post("/contacts/" + contactId + "/test", app.orgKey, Map.of());
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.body().get("outcome").asText()).as(r.raw()).isEqualTo("delivered");
        return receiver.last();
    }

    static boolean verifies(String secret, WebhookReceiver.Received seen) {
        return new WebhookVerifier(secret).isValid(seen.headers().get("webhook-id"), seen.headers().get("webhook-timestamp"),
                seen.headers().get("webhook-signature"), seen.body());
    }

    /** Every table of the database, each copied out as text with COPY (the embedded server ships no pg_dump). */
    static String dump(String url) throws Exception {
        StringBuilder all = new StringBuilder();
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:" + url)) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = c.createStatement().executeQuery(
                    "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")) {
                while (rs.next()) tables.add(rs.getString(1));
            }
            assertThat(tables).contains("public.contacts", "public.idempotency_keys", "public.audit_log");
            var copy = c.unwrap(PGConnection.class).getCopyAPI();
            for (String t : tables) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                copy.copyOut("COPY (SELECT * FROM " + t + ") TO STDOUT", out);
                all.append(t).append('\n').append(out.toString(StandardCharsets.UTF_8));
            }
        }
        return all.toString();
    }

    static void assertNoneIn(String dump, String... secrets) {
        for (String s : secrets) {
            assertThat(dump).as("a secret in the dump").doesNotContain(s);
            if (s.startsWith(WebhookSecrets.PREFIX)) assertThat(dump).doesNotContain(s.substring(WebhookSecrets.PREFIX.length()));
        }
    }

    @Test
    void aDumpOfEveryTableHoldsNoSecretWhileWebhooksStillVerifyAndOAuthStillWorks() throws Exception {
        String header = "header-value-" + UUID.randomUUID();
        String a = createWebhook(S1, Map.of("type", "headers", "headers", Map.of("X-Static-Token", header)));
        var rotated = app.call("POST", "/contacts/" + a + "/secret/rotate", app.orgKey, Map.of(), Map.of("Idempotency-Key", "rotate-" + a));
        assertThat(rotated.status()).as(rotated.raw()).isEqualTo(200);
        String s2 = rotated.body().get("secret").asText();
        receiver.accept(s2);
        // the idempotent replay answers the same secret from the sealed stored response
        var replay = app.call("POST", "/contacts/" + a + "/secret/rotate", app.orgKey, Map.of(), Map.of("Idempotency-Key", "rotate-" + a));
        assertThat(replay.body().get("secret").asText()).isEqualTo(s2);
        String b = createWebhook(S3, Map.of("type", "oauth2", "token_url", "http://127.0.0.1:" + tokenServer.getAddress().getPort() + "/token",
                "client_id", CLIENT_ID, "client_secret", CLIENT_SECRET));

        WebhookReceiver.Received seenA = testSend(a);
        assertThat(seenA.headers().get("x-static-token")).isEqualTo(header);
        assertThat(seenA.headers().get("webhook-signature").split(" ")).hasSize(2);
        assertThat(verifies(s2, seenA)).isTrue();
        assertThat(verifies(S1, seenA)).isTrue(); // the previous secret, during the overlap
        WebhookReceiver.Received seenB = testSend(b);
        assertThat(seenB.headers().get("authorization")).startsWith("Bearer tok-");
        assertThat(verifies(S3, seenB)).isTrue();
        assertThat(tokenRequests.get()).isPositive();
        assertThat(receiver.invalidSignatures()).isZero();

        // An Ed25519 (v1a) contact: its private signing key is sealed like a secret; only the public key is readable.
        var ed = app.post("/organizations/" + app.orgId + "/contacts", app.orgKey, Map.of("channel", "webhook",
                "target", "http://127.0.0.1:9/ed", "signing", "ed25519"));
        assertThat(ed.status()).as(ed.raw()).isEqualTo(201);

        String dump = dump(dbUrl);
        assertThat(dump).contains("enc:v1:" + app.herald.secretBox().keys().ids().getFirst() + ":").contains("X-Static-Token");
        assertThat(dump).as("no Ed25519 private key in the clear").doesNotContain(WebhookSecrets.SIGNING_PREFIX)
                .contains(ed.body().get("public_key").asText());
        assertNoneIn(dump, S1, s2, S3, CLIENT_SECRET, header);
        assertThat(app.get("/contacts/" + a, app.orgKey).raw()).doesNotContain(header).doesNotContain("enc:v1");
    }

    @Test
    void rotateMasterKeySealsEverythingAgainAndRetiresTheOldKey() throws Exception {
        String secret = WebhookSecrets.generate();
        receiver.accept(secret);
        String header = "rotating-header-" + UUID.randomUUID();
        String c = createWebhook(secret, Map.of("type", "headers", "headers", Map.of("X-Other", header)));
        String before = app.herald.secretBox().keys().current().orElseThrow().id();
        assertThat(ContactSecrets.keyIdsInUse(app.herald.db())).containsExactly(before);

        Cli r = cli("secrets", "rotate-master-key", "--database-url", dbUrl, "--set", "master.key-file=" + keyFile);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("re-encrypted the secrets of").contains("retired master key " + before);

        List<String> after = ContactSecrets.keyIdsInUse(app.herald.db());
        assertThat(after).hasSize(1).doesNotContain(before);
        assertThat(Files.readAllLines(keyFile).stream().filter(l -> !l.startsWith("#") && !l.isBlank())).hasSize(1);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        // the running Herald reads the rewritten key file and still signs with the contact's secret
        WebhookReceiver.Received seen = testSend(c);
        assertThat(verifies(secret, seen)).isTrue();
        assertThat(seen.headers().get("x-other")).isEqualTo(header);
        assertThat(app.herald.secretBox().keys().ids()).containsExactly(after.getFirst());
        var audit = app.get("/audit-log?limit=50", app.adminKey);
        assertThat(audit.raw()).contains("secrets rotate-master-key");
        assertNoneIn(dump(dbUrl), secret, header);
    }

    @Test
    void plaintextRowsAreSealedAtStartAndAMissingOrWrongKeyIsOneClearLine() throws Exception {
        String url = TestPostgres.newDatabaseUrl();
        String secret = WebhookSecrets.generate();
        UUID org, contact = UUID.randomUUID();
        try (Herald plain = Herald.open(config(url, Map.of()))) { // an external database with no key: secrets stay plaintext
            org = plain.organizations().create("Old rows", null, false, null).id();
            plain.db().write("Test.PLAINTEXT", c -> {
                try (var ps = c.prepareStatement("INSERT INTO contacts (id, organization_id, channel, target, secret, outbound_auth) "
                        + "VALUES (?, ?, 'webhook', 'https://hooks.example.com/x', ?, ?::jsonb)")) {
                    ps.setObject(1, contact);
                    ps.setObject(2, org);
                    ps.setString(3, secret);
                    ps.setString(4, "{\"type\":\"oauth2\",\"token_url\":\"https://auth.example.com/t\",\"client_id\":\"c\",\"client_secret\":\"" + CLIENT_SECRET + "\"}");
                    return ps.executeUpdate();
                }
            });
        }
        String key = MasterKeys.newKeyText();
        String id;
        try (Herald sealed = Herald.open(config(url, Map.of(Settings.MASTER_KEY.key(), key)))) {
            id = sealed.secretBox().keys().current().orElseThrow().id();
            assertThat(ContactSecrets.keyIdsInUse(sealed.db())).containsExactly(id);
            assertThat(stored(sealed.db(), contact)).startsWith("enc:v1:" + id + ":");
            ContactTarget opened = ContactSecrets.open(sealed.contacts().target(org, contact).orElseThrow(), sealed.secretBox());
            assertThat(opened.secret()).isEqualTo(secret);
            assertThat(opened.outboundAuth().get("client_secret").asText()).isEqualTo(CLIENT_SECRET);
            // a sender without the key: a clear retryable outcome, not an exception
            SendOutcome out = new WebhookSender(WebhookSettings.from(HeraldConfig.defaults(Map.of())))
                    .send(sealed.contacts().target(org, contact).orElseThrow(), UUID.randomUUID(), 1, new RenderedMessage("{}", null, null, null));
            assertThat(out).isInstanceOf(SendOutcome.Retry.class);
            assertThat(((SendOutcome.Retry) out).reason()).contains("master key " + id).contains("master.key-file");
        }
        assertNoneIn(dump(url), secret, CLIENT_SECRET);

        assertThatThrownBy(() -> Herald.open(config(url, Map.of()))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("master key " + id).hasMessageContaining("HERALD_MASTER_KEY").hasMessageContaining("master.key-file");
        Cli missing = cli("keys", "list", "--admin", "--database-url", url);
        Cli wrong = cli("keys", "list", "--admin", "--database-url", url, "--set", "master.key=" + MasterKeys.newKeyText());
        for (Cli r : List.of(missing, wrong)) {
            assertThat(r.code()).isNotZero();
            assertThat(r.err().lines().filter(l -> l.startsWith("herald: "))).singleElement().asString()
                    .contains("sealed under master key " + id).contains("HERALD_MASTER_KEY");
            assertThat(r.err()).contains("HERALD_MASTER_KEY").doesNotContain("Exception").doesNotContain("\tat ");
        }
        Cli inline = cli("secrets", "rotate-master-key", "--database-url", url, "--set", "master.key=" + key);
        assertThat(inline.code()).isNotZero();
        assertThat(inline.err()).contains("master.key-file").doesNotContain(key);
    }

    @Test
    void aSealedValueOpensOnlyWithItsKeyAndInItsPlace() {
        SecretBox box = new SecretBox(MasterKeys.of(Base64.getDecoder().decode(MasterKeys.newKeyText())));
        String sealed = box.seal("s3cret", "contacts/1/secret");
        assertThat(sealed).startsWith("enc:v1:").doesNotContain("s3cret").isNotEqualTo(box.seal("s3cret", "contacts/1/secret")); // fresh nonce
        assertThat(box.open(sealed, "contacts/1/secret")).isEqualTo("s3cret");
        assertThat(box.open("plain", "contacts/1/secret")).isEqualTo("plain");
        assertThatThrownBy(() -> box.open(sealed, "contacts/2/secret")).isInstanceOf(SecretBox.SealedValueException.class)
                .hasMessageContaining("does not open");
        String tampered = sealed.substring(0, sealed.length() - 4) + (sealed.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThatThrownBy(() -> box.open(tampered, "contacts/1/secret")).isInstanceOf(SecretBox.SealedValueException.class);
        assertThatThrownBy(() -> SecretBox.plaintextOnly().open(sealed, "contacts/1/secret")).isInstanceOf(SecretBox.SealedValueException.class)
                .hasMessageContaining("HERALD_MASTER_KEY");
    }

    @Test
    void theEmbeddedDatabasesKeyFileIsCreatedOwnerOnlyAndAMissingKeyFileIsNamed() throws Exception {
        Path dataDir = Files.createTempDirectory("herald-keys");
        MasterKeys first = MasterKeys.open(new SecretsSettings(Optional.empty(), Optional.empty(), dataDir, true));
        Path file = dataDir.resolve(SecretsSettings.EMBEDDED_KEY_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(MasterKeys.open(new SecretsSettings(Optional.empty(), Optional.empty(), dataDir, true)).ids()).isEqualTo(first.ids()).hasSize(1);
        assertThatThrownBy(() -> MasterKeys.open(new SecretsSettings(Optional.empty(), Optional.of(dataDir.resolve("nope")), dataDir, false)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("master.key-file");
        assertThatThrownBy(() -> SecretsSettings.from(HeraldConfig.defaults(Map.of(Settings.MASTER_KEY.key(), "c2hvcnQ="))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("master.key").hasMessageContaining("32 bytes");
    }

    static String stored(Database db, UUID contact) {
        return db.read("Test.STORED", c -> {
            try (var ps = c.prepareStatement("SELECT secret FROM contacts WHERE id = ?")) {
                ps.setObject(1, contact);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
    }

    static HeraldConfig config(String url, Map<String, String> extra) throws Exception {
        Map<String, String> m = new HashMap<>(Map.of("database.url", url, "data.dir", Files.createTempDirectory("herald-secrets-data").toString()));
        m.putAll(extra);
        return HeraldConfig.defaults(m);
    }

    record Cli(int code, String err) {}

    static Cli cli(String... args) {
        PrintStream err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            return new Cli(Main.run(args), buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(err);
        }
    }
}
