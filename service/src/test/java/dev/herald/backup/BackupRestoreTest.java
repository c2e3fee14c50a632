package dev.herald.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.Herald;
import dev.herald.cli.Main;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import dev.herald.contacts.WebhookSecrets;
import dev.herald.infra.Database;
import dev.herald.infra.DbSettings;
import dev.herald.infra.Metrics;
import dev.herald.json.Json;
import dev.herald.testing.TestPostgres;
import dev.herald.workload.Profile;
import dev.herald.workload.Workload;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;

/**
 * {@code ./herald backup} and {@code ./herald restore} through the real CLI on real PostgreSQL: a round trip gives the
 * same rows and checksums in every table (work that was running comes back queued), and every bad input is refused in
 * one line with nothing written.
 */
class BackupRestoreTest {
    /** Tables the restore changes on purpose after verifying them: requeued work, rebuilt view and graph versions. */
    static final java.util.Set<String> DERIVED = java.util.Set.of("work_units", "graph_versions", "current_incidents",
            "current_incidents_versions");
    @TempDir static Path tmp;
    static HeraldConfig source;
    static Herald herald;
    static Path backup;
    static JsonNode summary;
    static Map<String, String> sourceSums;
    static long running;
    static long queued;

    @BeforeAll
    static void backUpALiveSource() throws Exception {
        source = TestPostgres.freshConfig();
        herald = Herald.open(source);
        UUID org = Workload.seed(herald.db(), herald.settings().seed(), Profile.SMALL, 7, l -> {}).organizationId();
        herald.db().write("test.contact", c -> {
            try (var ps = c.prepareStatement("INSERT INTO contacts (id, organization_id, channel, target, secret) VALUES (?, ?, 'webhook', ?, ?)")) {
                ps.setObject(1, UUID.randomUUID());
                ps.setObject(2, org);
                ps.setString(3, "http://127.0.0.1:9/hooks");
                ps.setString(4, WebhookSecrets.generate());
                return ps.executeUpdate();
            }
        });
        // The attempt log is partitioned by day: a backup holds days older than the partitions a new database starts with.
        exec("SELECT herald_attempt_partitions((now() - interval '20 days')::date, (now() - interval '20 days')::date)");
        exec("INSERT INTO delivery_attempts (delivery_id, attempt, organization_id, contact_id, started_at, duration_ms, outcome, process) "
                + "SELECT gen_random_uuid(), 1, organization_id, id, now() - interval '20 days', 7, 'delivered', 'old' FROM contacts "
                + "UNION ALL SELECT gen_random_uuid(), 1, organization_id, id, now(), 9, 'retry', 'new' FROM contacts");
        exec("UPDATE incidents SET severity = 1 + severity % 5, version = version + 1 WHERE id IN "
                + "(SELECT id FROM incidents WHERE status = 'open' ORDER BY id LIMIT 20)");
        exec("UPDATE incidents SET status = 'resolved', resolved_at = now(), updated_at = now(), version = version + 1 WHERE id IN "
                + "(SELECT incident_id FROM impact_reach ORDER BY incident_id LIMIT 2)"); // ends pairs: told on apply
        exec("UPDATE work_units SET state = 'running', lease_until = now() + interval '20 seconds', leased_by = 'old-process' "
                + "WHERE id IN (SELECT id FROM work_units WHERE state = 'queued' ORDER BY id LIMIT 3)");
        running = count(herald.db(), "SELECT count(*) FROM work_units WHERE state = 'running'");
        queued = count(herald.db(), "SELECT count(*) FROM work_units WHERE state = 'queued'");
        assertThat(running).isEqualTo(3);
        assertThat(queued).isPositive();
        backup = tmp.resolve("b1");
        Run r = run("backup", "--to", backup.toString(), "--json", "--database-url", url(source));
        assertThat(r.exit).as(r.err).isZero();
        summary = Json.mapper().readTree(r.out);
        sourceSums = sums(herald.db());
    }

    @AfterAll
    static void close() {
        herald.close();
    }

    @Test
    void aRoundTripGivesTheSameRowsAndChecksumsAndRunningWorkComesBackQueued() throws Exception {
        assertThat(summary.get("tables").asInt()).isEqualTo(sourceSums.size()).isGreaterThan(15);
        assertThat(summary.get("rows").asLong()).isPositive();
        assertThat(Files.exists(backup.resolve("manifest.json"))).isTrue();

        String target = TestPostgres.newDatabaseUrl();
        Run r = run("restore", "--from", backup.toString(), "--json", "--database-url", target);
        assertThat(r.exit).as(r.err).isZero();
        JsonNode restored = Json.mapper().readTree(r.out);
        assertThat(restored.get("mismatches").asInt()).isZero();
        assertThat(restored.get("requeued").asLong()).isEqualTo(running);
        assertThat(restored.get("rows").asLong()).isEqualTo(summary.get("rows").asLong());

        try (Database db = Database.open(DbSettings.from(TestPostgres.freshConfig(Map.of("database.url", target))), new Metrics())) {
            Map<String, String> after = sums(db);
            assertThat(after.keySet()).isEqualTo(sourceSums.keySet());
            for (String t : sourceSums.keySet()) {
                if (DERIVED.contains(t)) { // recomputed by the restore (after it verified the loaded rows): same rows, new versions
                    assertThat(after.get(t).split(" ")[0]).as(t).isEqualTo(sourceSums.get(t).split(" ")[0]);
                } else {
                    assertThat(after.get(t)).as(t).isEqualTo(sourceSums.get(t));
                }
            }
            assertThat(count(db, "SELECT count(*) FROM delivery_attempts WHERE started_at < now() - interval '19 days'"))
                    .as("attempts of a day older than the new database's partitions").isPositive();
            assertThat(count(db, "SELECT count(*) FROM work_units WHERE state = 'running'")).isZero();
            assertThat(count(db, "SELECT count(*) FROM work_units WHERE state = 'queued'")).isEqualTo(queued + running);
            // sequences continue after the restored rows, never reusing an id
            assertThat(count(db, "SELECT nextval('herald_change_seq')"))
                    .isGreaterThan(count(herald.db(), "SELECT last_value FROM herald_change_seq"));
        }
    }

    @Test
    void impactChangesNotYetAppliedAtTheBackupComeBackAndAreToldAsTheSourceTellsThem() throws Exception {
        // The source runs no applier: the severity changes above are recorded, not applied, when the backup is taken.
        long pending = count(herald.db(), "SELECT count(*) FROM impact_changes");
        assertThat(pending).as("impact changes pending in the source").isPositive();
        String target = TestPostgres.newDatabaseUrl();
        Run r = run("restore", "--from", backup.toString(), "--json", "--database-url", target);
        assertThat(r.exit).as(r.err).isZero();
        try (Herald copy = Herald.open(TestPostgres.freshConfig(Map.of("database.url", target)))) {
            assertThat(count(copy.db(), "SELECT count(*) FROM impact_changes")).as("pending changes restored").isEqualTo(pending);
            long backedUp = count(copy.db(), "SELECT coalesce(max(id), 0) FROM impact_events");
            assertThat(count(herald.db(), "SELECT coalesce(max(id), 0) FROM impact_events")).as("nothing told since the backup").isEqualTo(backedUp);
            copy.impact().applyPending();
            herald.impact().applyPending();
            String told = "SELECT type || ' ' || subject_type || ' ' || subject_id || ' ' || coalesce(incident_id::text, '-') || ' #' || sequence"
                    + " || ' ' || coalesce(data->>'severity', '-') FROM impact_events WHERE id > " + backedUp + " ORDER BY subject_type, subject_id, sequence";
            List<String> byCopy = strings(copy.db(), told), bySource = strings(herald.db(), told);
            assertThat(byCopy).as("events the restored copy tells").isNotEmpty().isEqualTo(bySource);
            assertThat(count(copy.db(), "SELECT count(*) FROM impact_changes")).isZero();
        }
    }

    static List<String> strings(Database db, String sql) {
        return db.read("test.strings", c -> {
            List<String> out = new ArrayList<>();
            try (ResultSet rs = c.createStatement().executeQuery(sql)) {
                while (rs.next()) out.add(rs.getString(1));
            }
            return out;
        });
    }

    @Test
    void aBackupWithOneChangedByteIsRefusedAndNothingIsWritten() throws Exception {
        Path bad = copyOf(backup, "tampered");
        Path file;
        try (var files = Files.list(bad)) {
            file = files.filter(p -> p.getFileName().toString().contains("incidents.copy.gz")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, bytes);
        String target = TestPostgres.newDatabaseUrl();
        Run r = run("restore", "--from", bad.toString(), "--database-url", target);
        assertRefused(r, "does not match its checksum");
        assertThat(tables(target)).isZero();
    }

    @Test
    void aChangedManifestIsRefused() throws Exception {
        Path bad = copyOf(backup, "manifest");
        Path m = bad.resolve("manifest.json");
        String json = Files.readString(m);
        Files.writeString(m, json.replaceFirst("\"rows\" : (\\d)", "\"rows\" : 9$1"));
        assertThat(Files.readString(m)).isNotEqualTo(json);
        String target = TestPostgres.newDatabaseUrl();
        assertRefused(run("restore", "--from", bad.toString(), "--database-url", target), "manifest was changed or damaged");
        assertThat(tables(target)).isZero();
    }

    @Test
    void aTruncatedFileIsRefused() throws Exception {
        Path bad = copyOf(backup, "truncated");
        Path file;
        try (var files = Files.list(bad)) {
            file = files.filter(p -> p.getFileName().toString().contains("dependencies.copy.gz")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        String target = TestPostgres.newDatabaseUrl();
        assertRefused(run("restore", "--from", bad.toString(), "--database-url", target), "dependencies.copy.gz");
        assertThat(tables(target)).isZero();
    }

    @Test
    void aBackupNewerThanTheCodeIsRefused() throws Exception {
        Path bad = copyOf(backup, "newer");
        Path m = bad.resolve("manifest.json");
        String json = Files.readString(m).replaceFirst("\"schema_version\" : \"[^\"]+\"", "\"schema_version\" : \"999\"");
        Files.writeString(m, json);
        Files.writeString(bad.resolve("manifest.json.sha256"), BackupDir.sha256(json.getBytes(StandardCharsets.UTF_8)) + "  manifest.json\n");
        String target = TestPostgres.newDatabaseUrl();
        assertRefused(run("restore", "--from", bad.toString(), "--database-url", target), "newer than this Herald's");
        assertThat(tables(target)).isZero();
    }

    @Test
    void aNonEmptyTargetIsRefusedAndKeepsItsRows() {
        long before = count(herald.db(), "SELECT count(*) FROM incidents");
        assertRefused(run("restore", "--from", backup.toString(), "--database-url", url(source)), "the target database is not empty");
        assertThat(count(herald.db(), "SELECT count(*) FROM incidents")).isEqualTo(before);
    }

    @Test
    void aMissingBackupDirectoryIsRefused() {
        String target = TestPostgres.newDatabaseUrl();
        assertRefused(run("restore", "--from", tmp.resolve("nowhere").toString(), "--database-url", target), "no backup at");
        assertThat(tables(target)).isZero();
    }

    @Test
    void aBackupIntoANonEmptyOrUnwritableDirectoryIsRefusedAndWritesNothing() throws Exception {
        Path full = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(full.resolve("keep.txt"), "mine");
        assertRefused(run("backup", "--to", full.toString(), "--database-url", url(source)), "is not empty");
        try (var files = Files.list(full)) {
            assertThat(files.toList()).containsExactly(full.resolve("keep.txt"));
        }
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertRefused(run("backup", "--to", file.resolve("sub").toString(), "--database-url", url(source)), "cannot create");
        assertThat(Files.readString(file)).isEqualTo("x");
    }

    @Test
    void missingOptionsAreOneLine() {
        assertRefused(run("backup", "--database-url", url(source)), "backup needs --to DIR");
        assertRefused(run("restore", "--database-url", url(source)), "restore needs --from DIR");
        assertRefused(runBare("backup", "drill", "--profile", "huge"), "huge");
        assertRefused(runBare("backup", "drill", "--duration", "0s"), "--duration");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    static void assertRefused(Run r, String reason) {
        assertThat(r.exit).as(r.err).isEqualTo(1);
        List<String> lines = r.err.lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as(r.err).isNotEmpty();
        assertThat(lines.get(lines.size() - 1)).startsWith("herald: ").contains(reason);
        assertThat(r.err).doesNotContain("\tat ").doesNotContain("Exception");
    }

    static Path copyOf(Path dir, String name) throws Exception {
        Path to = Files.createDirectories(tmp.resolve(name));
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) Files.copy(p, to.resolve(p.getFileName()));
        }
        return to;
    }

    /** Per table: its rows and the SHA-256 of its COPY text in the manifest's column order (the backup's own measure). */
    static Map<String, String> sums(Database db) {
        return db.readSnapshot("test.sums", java.time.Duration.ofMinutes(1), c -> {
            TableSet.fixOutputFormat(c);
            Map<String, String> out = new LinkedHashMap<>();
            for (var t : TableSet.tables(c).entrySet()) {
                try {
                    var s = CopyStreams.ofTable(c.unwrap(PGConnection.class).getCopyAPI(), TableSet.copyOut(t.getKey(), t.getValue(), TableSet.orderBy(c, t.getKey(), t.getValue())));
                    out.put(t.getKey(), s.rows() + " " + s.rawSha256());
                } catch (java.io.IOException e) {
                    throw new java.sql.SQLException(e);
                }
            }
            return out;
        });
    }

    static long tables(String url) {
        try (var c = java.sql.DriverManager.getConnection("jdbc:" + url);
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void exec(String sql) {
        herald.db().write("test.exec", c -> c.createStatement().execute(sql));
    }

    static long count(Database db, String sql) {
        return db.read("test.count", c -> {
            try (ResultSet rs = c.createStatement().executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    static String url(HeraldConfig c) {
        return c.get(Settings.DATABASE_URL).orElseThrow();
    }

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", tmp.resolve("data").toString()));
        return runBare(all.toArray(String[]::new));
    }

    static synchronized Run runBare(String... all) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Main.run(all);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
