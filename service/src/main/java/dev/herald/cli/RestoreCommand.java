package dev.herald.cli;

import dev.herald.HeraldSettings;
import dev.herald.backup.BackupCheck;
import dev.herald.backup.Restore;
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

/** {@code ./herald restore --from DIR [--data-dir NEW | --database-url URL] [--json]}: a backup into an empty database. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Restore a backup into an empty database (a new --data-dir, or an empty --database-url): checks every "
                + "file against the manifest first, creates the schema at the backup's version, loads every table, verifies rows "
                + "and checksums, queues again the work that was running, rebuilds the view and graph versions, then migrates "
                + "forward. Refuses a non-empty target, a changed or incomplete backup, or one newer than this Herald."})
final class RestoreCommand implements Callable<Integer> {
    @Mixin DbOptions db;

    @Option(names = "--from", paramLabel = "DIR", description = "The backup directory (written by ./herald backup)")
    Path from;

    @Option(names = "--json", description = "Print the summary as one JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (from == null) throw new CommandFailure("restore needs --from DIR (a directory written by ./herald backup)");
        HeraldSettings settings = HeraldSettings.from(db.load());
        Progress progress = new Progress(json);
        Restore.Result r;
        java.util.List<String> keyIds;
        try {
            BackupCheck.Checked backup = BackupCheck.check(from.toAbsolutePath().normalize(), progress);
            try (Database d = Database.openWithoutMigrating(settings.db(), new Metrics())) {
                r = Restore.into(d, settings.backup(), backup, progress);
                keyIds = dev.herald.contacts.ContactSecrets.keyIdsInUse(d);
            }
        } finally {
            progress.done();
        }
        if (json) {
            System.out.println(Json.mapper().writeValueAsString(summary(r)));
        } else {
            System.out.printf("Restored %d tables, %,d rows (schema version %s, migrated to %s) in %.1f s; verified rows and "
                    + "checksums: %d mismatches; %,d work units that were running are queued again%n",
                    r.tables(), r.rows(), r.schemaVersion(), r.migratedTo(), r.seconds(), r.mismatches(), r.requeued());
        }
        if (!keyIds.isEmpty()) {
            // A backup holds secrets sealed, never their key: say which key Herald needs before it refuses to start.
            System.err.println("The restored secrets are sealed under master key " + String.join(", ", keyIds) + ": Herald on this database needs it ("
                    + (settings.secrets().embedded() ? "copy the key file of the backed-up Herald to " + settings.secrets().dataDir().resolve(
                    dev.herald.secrets.SecretsSettings.EMBEDDED_KEY_FILE) + ", or " : "") + dev.herald.secrets.SecretsSettings.howToGiveAKey() + ")");
        }
        return 0;
    }

    static Map<String, Object> summary(Restore.Result r) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("schema_version", r.schemaVersion());
        s.put("migrated_to", r.migratedTo());
        s.put("tables", r.tables());
        s.put("rows", r.rows());
        s.put("bytes", r.bytes());
        s.put("mismatches", r.mismatches());
        s.put("requeued", r.requeued());
        s.put("seconds", Math.round(r.seconds() * 100) / 100.0);
        return s;
    }
}
