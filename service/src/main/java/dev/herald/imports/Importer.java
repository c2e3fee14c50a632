package dev.herald.imports;

import dev.herald.infra.Database;
import java.io.IOException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * Bulk import of one file of one type, all or nothing: every row is validated first (form, types, references to
 * records in the database or earlier in the file), and only a file without a bad row is loaded, through COPY, in one
 * transaction with the long statement timeout {@code seed.statement-timeout}, and analyzed in that transaction before
 * the view is rebuilt and before any reader plans against it. Thread-safe (no shared state).
 */
public final class Importer {
    /** How many bad rows a rejection names. */
    public static final int MAX_REPORTED = 10;

    private final Database db;
    private final ImportSettings settings;

    public Importer(Database db, ImportSettings settings) {
        this.db = db;
        this.settings = settings;
    }

    /** What was imported. */
    public record Result(ImportType type, long rows, double seconds) {}

    /**
     * Imports {@code file}; {@code organization} applies to rows without an {@code organization_id} (may be null when
     * every row has one).
     *
     * @throws ImportRejected when any row is bad (nothing is written)
     * @throws IOException    when the file cannot be read
     */
    public Result run(ImportType type, Path file, UUID organization) throws IOException {
        long start = System.nanoTime();
        RowParser parser = new RowParser(type, organization, OffsetDateTime.now(ZoneOffset.UTC));
        SourceReader.read(file, parser);
        long loaded = db.transaction("Import." + type.name(), settings.statementTimeout(), c -> {
            RowParser p = parser; // DbChecks only appends errors; a retry re-checks from the same parsed rows
            int localErrors = p.errors.size();
            DbChecks.run(c, type, p);
            if (!p.errors.isEmpty()) {
                List<RowError> sorted = new ArrayList<>(p.errors);
                Collections.sort(sorted);
                long bad = p.badLines.size();
                p.errors.subList(localErrors, p.errors.size()).clear();
                throw new ImportRejected(sorted, bad);
            }
            boolean suspended = ViewMaintenance.suspend(c, type.table());
            long n = CopyLoad.load(c, type, p.parsed);
            // Statistics before anything plans against the new rows: the view rebuild below, and the first reads after
            // the commit (autovacuum analyzes only later). Without them the rebuild scanned every intel request per incident.
            ViewMaintenance.analyze(c, type.table());
            if (suspended) {
                ViewMaintenance.resume(c, type.table(), p.parsed.stream().map(RowParser.Parsed::organizationId)
                        .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)));
            }
            return n;
        });
        return new Result(type, loaded, (System.nanoTime() - start) / 1e9);
    }
}
