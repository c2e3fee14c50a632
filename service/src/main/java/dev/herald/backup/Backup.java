package dev.herald.backup;

import dev.herald.Herald;
import dev.herald.errors.DomainException;
import dev.herald.infra.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Takes a consistent backup of a running Herald without stopping it or blocking its writes: one read-only
 * REPEATABLE READ transaction (one snapshot for every table; COPY takes only ACCESS SHARE locks, which writers do not
 * wait for) streams each table out with COPY into a gzip file, then the manifest is written last, so a directory without
 * a manifest is never a backup. Secrets are copied as they are stored (hashed keys, encrypted secrets stay so).
 * Thread-safe (no shared state); concurrent backups need different directories.
 */
public final class Backup {
    private Backup() {}

    /**
     * Backs the database up into {@code to}, which must be absent (it is created) or an empty writable directory.
     * {@code progress} receives one line per table as it goes.
     *
     * @throws DomainException when {@code to} is not usable (nothing is written there)
     */
    public static Manifest take(Database db, BackupSettings settings, Path to, Consumer<String> progress) {
        boolean created = BackupDir.prepareEmpty(to);
        try {
            Manifest m = copyAll(db, settings, to, progress);
            String json = m.toJson();
            Files.writeString(to.resolve(Manifest.FILE), json, StandardCharsets.UTF_8);
            Files.writeString(to.resolve(Manifest.CHECKSUM_FILE), BackupDir.sha256(json.getBytes(StandardCharsets.UTF_8))
                    + "  " + Manifest.FILE + "\n", StandardCharsets.UTF_8);
            return m;
        } catch (IOException e) {
            BackupDir.removeWritten(to, created);
            throw new UncheckedIOException("backup into " + to + " failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            BackupDir.removeWritten(to, created);
            throw e;
        }
    }

    private static Manifest copyAll(Database db, BackupSettings settings, Path to, Consumer<String> progress) {
        OffsetDateTime started = OffsetDateTime.now(ZoneOffset.UTC);
        return db.readSnapshot("Backup.COPY_ALL", settings.statementTimeout(), c -> {
            try (Statement st = c.createStatement()) {
                st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            }
            TableSet.fixOutputFormat(c);
            String version = TableSet.schemaVersion(c);
            Map<String, List<String>> tables = TableSet.tables(c);
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            List<Manifest.Table> out = new ArrayList<>();
            int i = 0;
            long rows = 0;
            for (var t : tables.entrySet()) {
                i++;
                progress.accept(String.format("backing up %-22s (%d/%d tables, %,d rows so far)", t.getKey(), i, tables.size(), rows));
                String file = String.format("%02d-%s.copy.gz", i, t.getKey());
                List<String> orderBy = TableSet.orderBy(c, t.getKey(), t.getValue());
                CopyStreams.Sums s;
                try {
                    s = CopyStreams.write(copy, TableSet.copyOut(t.getKey(), t.getValue(), orderBy), to.resolve(file));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + to.resolve(file) + ": " + e.getMessage(), e);
                }
                rows += s.rows();
                out.add(new Manifest.Table(t.getKey(), t.getValue(), orderBy, file, s.rows(), s.bytes(), s.sha256(), s.rawBytes(), s.rawSha256()));
            }
            List<Manifest.Sequence> sequences = new ArrayList<>();
            for (String seq : TableSet.sequences(c)) {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT last_value, is_called FROM " + TableSet.quote(seq))) {
                    rs.next();
                    sequences.add(new Manifest.Sequence(seq, rs.getLong(1), rs.getBoolean(2)));
                }
            }
            progress.accept(String.format("backed up %d tables, %,d rows", tables.size(), rows));
            return new Manifest(Manifest.FORMAT, Herald.VERSION, version, started, OffsetDateTime.now(ZoneOffset.UTC),
                    db.embedded() ? "embedded" : "external", out, sequences);
        });
    }
}
