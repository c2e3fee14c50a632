package dev.herald.cli;

import dev.herald.HeraldSettings;
import dev.herald.backup.Backup;
import dev.herald.backup.Manifest;
import dev.herald.infra.Database;
import dev.herald.infra.Metrics;
import dev.herald.json.Json;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./herald backup --to DIR [--json]}: a consistent backup of a running Herald, without stopping it. */
@Command(name = "backup", mixinStandardHelpOptions = true, subcommands = {BackupDrillCommand.class},
        description = {"Back up every table of a running Herald (embedded or external database) into DIR, without stopping it "
                + "or blocking writes: one snapshot, each table streamed out with COPY and gzipped, a manifest with the schema "
                + "version, row counts and SHA-256 checksums. DIR must not exist or be empty.",
                "`./herald backup drill` takes a backup under live traffic, restores it and checks it end to end."})
final class BackupCommand implements Callable<Integer> {
    @Mixin DbOptions db;

    @Option(names = "--to", paramLabel = "DIR", description = "Directory to write the backup into (absent or empty)")
    Path to;

    @Option(names = "--json", description = "Print the summary as one JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (to == null) throw new CommandFailure("backup needs --to DIR (a new or empty directory), or the subcommand drill");
        HeraldSettings settings = HeraldSettings.from(db.load());
        Path dir = to.toAbsolutePath().normalize();
        Progress progress = new Progress(json);
        long start = System.nanoTime();
        Manifest m;
        try (Database d = Database.open(settings.db(), new Metrics())) {
            m = Backup.take(d, settings.backup(), dir, progress);
        } finally {
            progress.done();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (json) {
            System.out.println(Json.mapper().writeValueAsString(summary(dir, m, seconds)));
        } else {
            System.out.printf("Backed up %d tables, %,d rows (schema version %s) into %s in %.1f s: %,d bytes compressed (%,d raw)%n",
                    m.tables().size(), m.rows(), m.schemaVersion(), dir, seconds, m.bytes(),
                    m.tables().stream().mapToLong(Manifest.Table::rawBytes).sum());
        }
        return 0;
    }

    static Map<String, Object> summary(Path dir, Manifest m, double seconds) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("dir", dir.toString());
        s.put("schema_version", m.schemaVersion());
        s.put("herald_version", m.heraldVersion());
        s.put("tables", m.tables().size());
        s.put("rows", m.rows());
        s.put("bytes", m.bytes());
        s.put("raw_bytes", m.tables().stream().mapToLong(Manifest.Table::rawBytes).sum());
        s.put("seconds", Math.round(seconds * 100) / 100.0);
        s.put("started_at", m.startedAt().toString());
        s.put("finished_at", m.finishedAt().toString());
        return s;
    }
}
