package dev.herald.backup;

import dev.herald.errors.DomainException;
import dev.herald.infra.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Restores a checked backup ({@link BackupCheck}) into an empty database: migrates it to the backup's schema version,
 * loads every table with COPY in one transaction (user triggers off for the load, so nothing is notified or
 * recomputed row by row; foreign keys still checked, tables in their order), verifies each table's rows and SHA-256
 * against the manifest, and only then, still in that transaction, puts back what the triggers and the running system
 * kept: sequences, work units that were running as queued (their lease belonged to a process of the old system),
 * statistics (ANALYZE), graph versions and the current-incidents view (impact comes back with its pending changes,
 * which the applier applies). A mismatch rolls everything back. Finally it migrates forward to this code's version.
 * Thread-safe (no shared state).
 */
public final class Restore {
    /** Work that was claimed when the backup was taken belongs to no process now: queue it again, as a lease expiry would. */
    static final String REQUEUE_RUNNING = """
            UPDATE work_units SET state = 'queued', lease_until = NULL, leased_by = NULL, run_at = now(), updated_at = now(),
                   last_error = 'running when the backup was taken; queued again by the restore'
            WHERE state = 'running'""";
    /**
     * Derived state, recomputed from the restored rows: every organization's graph version and current-incidents view.
     * Impact state is not recomputed: it comes back from the same snapshot as everything else, together with the changes
     * recorded but not yet applied when the backup was taken ({@code impact_changes}). The applier applies those when
     * consumers run, as the source would have, with the sequences the source would have given them, and the restored rows
     * stay exactly the backup's until then. (A rebuild here used to tell them during the restore and leave them pending
     * as well.) The source may have told the same changes after the snapshot, under other ids: a restore repeats what
     * happened after its snapshot, as it does for queued work.
     */
    static final String REBUILD_DERIVED = """
            SELECT graph_bump(coalesce((SELECT array_agg(id) FROM organizations), '{}')),
                   (SELECT count(current_incidents_rebuild(id)) FROM organizations)""";
    static final String HAS_ROWS = "SELECT EXISTS (SELECT 1 FROM %s)";

    private Restore() {}

    /**
     * What a restore did.
     *
     * @param requeued  work units that were running in the backup and are queued now
     * @param mismatches tables whose rows or checksum differed after the load (always 0: a mismatch refuses the restore)
     */
    public record Result(String schemaVersion, String migratedTo, int tables, long rows, long bytes, long requeued,
                         int mismatches, double seconds) {}

    /**
     * Restores {@code backup} into {@code db}, which must have been opened without migrating
     * ({@link Database#openWithoutMigrating}).
     *
     * @throws DomainException when the target is not empty or the backup is newer than this code (nothing written), or
     *                         when a loaded table does not match the manifest (rolled back)
     */
    public static Result into(Database db, BackupSettings settings, BackupCheck.Checked backup, Consumer<String> progress) {
        long start = System.nanoTime();
        Manifest m = backup.manifest();
        List<String> code = dev.herald.infra.Migrations.codeVersions();
        String newest = code.get(code.size() - 1);
        BackupCheck.requireKnownVersion(m, code);
        requireEmpty(db, m.schemaVersion());
        progress.accept("creating the schema at version " + m.schemaVersion());
        db.migrateTo(m.schemaVersion());
        long requeued = db.transaction("Restore.LOAD", settings.statementTimeout(), c -> load(c, backup, progress));
        progress.accept("migrating forward to version " + newest);
        db.migrateToLatest();
        return new Result(m.schemaVersion(), newest, m.tables().size(), m.rows(), m.bytes(), requeued, 0,
                (System.nanoTime() - start) / 1e9);
    }

    /** Refuses a target that holds any row, or a schema newer than the backup's (a restore cannot migrate down). */
    private static void requireEmpty(Database db, String backupVersion) {
        var current = db.schemaVersion();
        String full = db.read("Restore.TARGET_EMPTY", c -> {
            for (String t : TableSet.tables(c).keySet()) {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(String.format(HAS_ROWS, TableSet.quote(t)))) {
                    rs.next();
                    if (rs.getBoolean(1)) return t;
                }
            }
            return null;
        });
        if (full != null) {
            throw DomainException.conflict("database", "the target database is not empty (table " + full + " has rows); "
                    + "restore into a new --data-dir or an empty database");
        }
        if (current.isPresent() && dev.herald.infra.Migrations.compare(current.get(), backupVersion) > 0) {
            throw DomainException.conflict("database", "the target database has Herald's schema at version " + current.get()
                    + ", newer than the backup's " + backupVersion + "; restore into a new --data-dir or an empty database");
        }
    }

    /** The attempt log: partitioned by day, and a new database has partitions only around the day it was created. */
    static final String DAY_PARTITIONED = "delivery_attempts";

    /**
     * Loads the attempt log through a staging table, first creating the day partitions its rows need (SQL
     * {@code herald_attempt_partitions}): a backup holds days older than the partitions a new database starts with.
     */
    private static long loadDayPartitioned(Connection c, CopyManager copy, Manifest.Table mt, java.nio.file.Path file)
            throws SQLException, java.io.IOException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TEMP TABLE herald_restore_stage (LIKE " + DAY_PARTITIONED + ") ON COMMIT DROP");
        }
        long n = CopyStreams.load(copy, TableSet.copyIn("herald_restore_stage", mt.columns()), file);
        try (Statement st = c.createStatement()) {
            st.execute("SELECT herald_attempt_partitions(min(started_at AT TIME ZONE 'UTC')::date, max(started_at AT TIME ZONE 'UTC')::date)"
                    + " FROM herald_restore_stage");
            st.execute("INSERT INTO " + DAY_PARTITIONED + " SELECT * FROM herald_restore_stage");
        }
        return n;
    }

    private static long load(Connection c, BackupCheck.Checked backup, Consumer<String> progress) throws SQLException {
        Manifest m = backup.manifest();
        TableSet.fixOutputFormat(c);
        Map<String, List<String>> tables = TableSet.tables(c);
        if (!tables.keySet().equals(new java.util.HashSet<>(m.tables().stream().map(Manifest.Table::name).toList()))) {
            throw DomainException.invalid("from", "the backup's tables " + m.tables().stream().map(Manifest.Table::name).sorted().toList()
                    + " are not those of schema version " + m.schemaVersion() + " " + new java.util.TreeSet<>(tables.keySet()));
        }
        Map<String, Manifest.Table> byName = new java.util.HashMap<>();
        m.tables().forEach(t -> byName.put(t.name(), t));
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        try (Statement st = c.createStatement()) {
            for (String t : tables.keySet()) st.execute("ALTER TABLE " + TableSet.quote(t) + " DISABLE TRIGGER USER");
        }
        long rows = 0;
        int i = 0;
        try {
            for (String t : tables.keySet()) {
                Manifest.Table mt = byName.get(t);
                progress.accept(String.format("loading %-22s %,10d rows (%d/%d tables, %,d rows so far)", t, mt.rows(), ++i, tables.size(), rows));
                rows += DAY_PARTITIONED.equals(t) ? loadDayPartitioned(c, copy, mt, backup.dir().resolve(mt.file()))
                        : CopyStreams.load(copy, TableSet.copyIn(t, mt.columns()), backup.dir().resolve(mt.file()));
            }
            progress.accept("verifying rows and checksums of " + tables.size() + " tables");
            List<String> mismatched = new ArrayList<>();
            for (String t : tables.keySet()) {
                Manifest.Table mt = byName.get(t);
                CopyStreams.Sums s = CopyStreams.ofTable(copy, TableSet.copyOut(t, mt.columns(), mt.orderBy()));
                if (s.rows() != mt.rows() || !s.rawSha256().equals(mt.rawSha256())) mismatched.add(t + " (" + s.rows() + " rows, manifest " + mt.rows() + ")");
            }
            if (!mismatched.isEmpty()) {
                throw DomainException.invalid("from", "after loading, " + mismatched.size() + " tables do not match the manifest: "
                        + String.join(", ", mismatched) + "; nothing was restored");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the backup in " + backup.dir() + ": " + e.getMessage(), e);
        }
        try (Statement st = c.createStatement()) {
            for (String t : tables.keySet()) st.execute("ALTER TABLE " + TableSet.quote(t) + " ENABLE TRIGGER USER");
        }
        progress.accept("restoring sequences, queue and derived state");
        try (PreparedStatement ps = c.prepareStatement("SELECT setval(?::regclass, ?, ?)")) {
            for (Manifest.Sequence s : m.sequences()) {
                ps.setString(1, TableSet.quote(s.name()));
                ps.setLong(2, s.lastValue());
                ps.setBoolean(3, s.isCalled());
                ps.execute();
            }
        }
        long requeued;
        try (Statement st = c.createStatement()) {
            requeued = st.executeUpdate(REQUEUE_RUNNING);
            for (String t : tables.keySet()) st.execute("ANALYZE " + TableSet.quote(t)); // before the rebuild plans, and before readers do
            st.execute(REBUILD_DERIVED);
        }
        return requeued;
    }
}
