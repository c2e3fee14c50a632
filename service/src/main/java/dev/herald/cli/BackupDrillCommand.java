package dev.herald.cli;

import dev.herald.Herald;
import dev.herald.api.HttpServer;
import dev.herald.backup.Backup;
import dev.herald.backup.BackupCheck;
import dev.herald.backup.Manifest;
import dev.herald.backup.Restore;
import dev.herald.config.Durations;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import dev.herald.contacts.WebhookSecrets;
import dev.herald.infra.Database;
import dev.herald.infra.Metrics;
import dev.herald.json.Json;
import dev.herald.secrets.SecretsSettings;
import dev.herald.workload.Profile;
import dev.herald.workload.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./herald backup drill}: proves that a backup taken under live traffic restores into a Herald that works. A
 * source Herald on a scratch embedded database gets the reference workload, a webhook contact (a local receiver that
 * verifies every signature) and a stream of incident changes faster than its rate limit lets deliveries go, so work
 * queues up; halfway through the stream a backup is taken. The source
 * drains everything and stops; the backup is restored into a second scratch data directory (which checks every table's
 * rows and checksums); Herald starts on the copy, its tables are counted against the manifest, and it delivers what it
 * had queued to the same receiver. What the copy sends again was delivered by the source after the snapshot: it must
 * carry the source's webhook-id for that unit (receivers drop it); any other repeat counts in
 * {@code duplicates_outside_original_ids}. Exits 0 when nothing mismatched, no duplicate left its original id, and
 * both sides drained.
 */
@Command(name = "drill", mixinStandardHelpOptions = true,
        description = "Back up a live Herald while incident changes flow, restore it into a scratch data directory, start Herald "
                + "on the copy, check every table and let it deliver what it had queued to a verifying receiver; print a report.")
final class BackupDrillCommand implements Callable<Integer> {
    @Option(names = "--profile", defaultValue = "small", paramLabel = "small|large", description = "Workload profile. Default: ${DEFAULT-VALUE}")
    String profile;

    @Option(names = "--duration", defaultValue = "6s", paramLabel = "TIME", description = "How long incident changes stream (the backup starts halfway). Default: ${DEFAULT-VALUE}")
    String duration;

    @Option(names = "--rate", defaultValue = "40", paramLabel = "N", description = "Incident changes per second. Default: ${DEFAULT-VALUE}")
    int rate;

    @Option(names = "--drain-timeout", defaultValue = "120s", paramLabel = "TIME", description = "How long each side may take to deliver its queue. Default: ${DEFAULT-VALUE}")
    String drainTimeout;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Where the scratch data directories and the backup go (default: a new temporary directory, deleted after)")
    Path workDir;

    @Option(names = "--json", description = "Print the report as one JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Profile p;
        try {
            p = Profile.parse(profile);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(e.getMessage());
        }
        Duration streamFor = parse("--duration", duration), drainFor = parse("--drain-timeout", drainTimeout);
        if (rate < 1 || rate > 10_000) throw new CommandFailure("--rate must be between 1 and 10000, got " + rate);
        boolean temporary = workDir == null;
        Path root = temporary ? Files.createTempDirectory("herald-drill") : Files.createDirectories(workDir);
        Progress progress = new Progress(json);
        try {
            Map<String, Object> report = run(p, streamFor, drainFor, root, progress);
            progress.done();
            if (json) System.out.println(Json.mapper().writeValueAsString(report));
            else print(report);
            return Boolean.TRUE.equals(report.get("ok")) ? 0 : 1;
        } finally {
            progress.done();
            if (temporary) deleteTree(root);
        }
    }

    private Map<String, Object> run(Profile p, Duration streamFor, Duration drainFor, Path root, Progress progress) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("profile", p.wire());
        Path backupDir = root.resolve("backup");
        String secret = WebhookSecrets.generate();
        try (DemoReceiver receiver = new DemoReceiver(secret, 0)) {
            // ---- the live source: workload, a contact, traffic, a backup halfway through the traffic ----
            Manifest manifest;
            Map<UUID, UUID> sourceDelivered = new HashMap<>(); // work unit -> webhook-id it was delivered under
            Set<UUID> sourceUnits;
            int sourceArrivals;
            try (Herald source = Herald.open(config(root.resolve("source")))) {
                progress.accept("loading the " + p.wire() + " workload into the source");
                UUID org = Workload.seed(source.db(), source.settings().seed(), p, 42, progress).organizationId();
                try (HttpServer http = source.serveHttp()) {
                    DemoCommand.registerContact(source, http, org, receiver.url(), secret, java.util.Map.of());
                    source.pipeline().startConsumers();
                    DemoTraffic traffic = new DemoTraffic(source.db(), org, 42);
                    AtomicBoolean stop = new AtomicBoolean();
                    Thread writer = Thread.ofPlatform().name("drill-traffic").start(() -> stream(traffic, streamFor, stop));
                    Thread.sleep(streamFor.toMillis() / 2);
                    long t0 = System.nanoTime();
                    manifest = Backup.take(source.db(), source.settings().backup(), backupDir, l -> progress.accept("[traffic flowing] " + l));
                    r.put("backup_s", seconds(t0));
                    writer.join();
                    r.put("traffic_changes", traffic.changes());
                    progress.accept("source: delivering what it queued");
                    r.put("source_drained", drain(source.db(), drainFor));
                    sourceArrivals = receiver.arrivals().size();
                    sourceUnits = new HashSet<>(uuids(source.db(), "SELECT id FROM work_units UNION ALL SELECT id FROM work_units_done"));
                    source.db().read("Drill.SOURCE_DELIVERED", c -> {
                        try (ResultSet rs = c.createStatement().executeQuery("SELECT work_unit_id, id FROM deliveries WHERE status = 'sent'")) {
                            while (rs.next()) sourceDelivered.put(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class));
                        }
                        return null;
                    });
                }
            }
            r.put("tables", manifest.tables().size());
            r.put("rows", manifest.rows());
            r.put("bytes", manifest.bytes());
            r.put("source_delivered", sourceArrivals);

            // ---- restore into a scratch data directory, carrying the master key (a backup holds secrets sealed, never the key) ----
            HeraldConfig copyConfig = config(root.resolve("copy"));
            Path sourceKey = root.resolve("source").resolve(SecretsSettings.EMBEDDED_KEY_FILE);
            Files.createDirectories(root.resolve("copy"));
            Files.copy(sourceKey, root.resolve("copy").resolve(SecretsSettings.EMBEDDED_KEY_FILE), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            r.put("master_key_carried", true);
            long t1 = System.nanoTime();
            Restore.Result restored;
            BackupCheck.Checked checked = BackupCheck.check(backupDir, progress);
            try (Database db = Database.openWithoutMigrating(dev.herald.HeraldSettings.from(copyConfig).db(), new Metrics())) {
                restored = Restore.into(db, dev.herald.HeraldSettings.from(copyConfig).backup(), checked, progress);
            }
            r.put("restore_s", seconds(t1));
            r.put("requeued", restored.requeued());

            // ---- Herald on the copy: count every table, deliver what it had queued ----
            try (Herald copy = Herald.open(copyConfig)) {
                Map<String, Long> rowsPerTable = new LinkedHashMap<>();
                int mismatches = restored.mismatches();
                List<String> mismatched = new java.util.ArrayList<>();
                for (Manifest.Table t : manifest.tables()) {
                    long n = count(copy.db(), "SELECT count(*) FROM \"" + t.name() + "\"");
                    rowsPerTable.put(t.name(), n);
                    if (n != t.rows()) mismatched.add(t.name() + " (" + n + " rows, backup " + t.rows() + ")");
                }
                mismatches += mismatched.size();
                r.put("mismatches", mismatches);
                r.put("mismatched_tables", mismatched);
                r.put("rows_per_table", rowsPerTable);
                long queued = count(copy.db(), "SELECT count(*) FROM work_units WHERE state = 'queued'");
                r.put("queued_on_copy", queued);
                progress.accept("copy: delivering the " + queued + " units it had queued");
                copy.pipeline().startConsumers();
                r.put("copy_drained", drain(copy.db(), drainFor));
                List<String> copyArrivals = receiver.arrivals().subList(sourceArrivals, receiver.arrivals().size());
                Map<UUID, UUID> unitOf = new HashMap<>(); // webhook-id -> work unit, on the copy
                copy.db().read("Drill.COPY_DELIVERED", c -> {
                    try (ResultSet rs = c.createStatement().executeQuery("SELECT id, work_unit_id FROM deliveries WHERE status = 'sent'")) {
                        while (rs.next()) unitOf.put(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class));
                    }
                    return null;
                });
                long underOriginal = 0, outside = 0;
                for (String id : copyArrivals) {
                    UUID unit = unitOf.get(UUID.fromString(id));
                    UUID original = unit == null ? null : sourceDelivered.get(unit);
                    if (unit == null || !sourceUnits.contains(unit)) outside++; // a unit the source never had: a new notification
                    else if (original != null && original.toString().equals(id)) underOriginal++;
                    else if (original != null) outside++; // the source delivered this unit under another id
                }
                r.put("delivered", copyArrivals.size());
                r.put("duplicates_under_original_ids", underOriginal);
                r.put("duplicates_outside_original_ids", outside);
                r.put("invalid_signatures", receiver.invalidSignatures());
                r.put("ok", mismatches == 0 && outside == 0 && receiver.invalidSignatures() == 0
                        && Boolean.TRUE.equals(r.get("source_drained")) && Boolean.TRUE.equals(r.get("copy_drained")));
            }
        }
        return r;
    }

    private void stream(DemoTraffic traffic, Duration streamFor, AtomicBoolean stop) {
        long start = System.nanoTime(), period = 1_000_000_000L / rate, next = start;
        while (!stop.get() && System.nanoTime() - start < streamFor.toNanos()) {
            traffic.next();
            next += period;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Waits until no unit is queued or running; false when {@code limit} passed first. */
    private static boolean drain(Database db, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (count(db, "SELECT count(*) FROM work_units WHERE state IN ('queued', 'running')") == 0) return true;
            Thread.sleep(100);
        }
        return false;
    }

    /** A scratch Herald: embedded database under {@code dir}, a free port, loopback targets allowed, quick polling. */
    private static HeraldConfig config(Path dir) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(Settings.DATA_DIR.key(), dir.toString());
        m.put(Settings.HTTP_PORT.key(), "0");
        m.put(Settings.HTTP_LOG_REQUESTS.key(), "false");
        m.put(Settings.DELIVERY_ALLOW_PRIVATE_TARGETS.key(), "true");
        m.put(Settings.WORK_POLL_INTERVAL.key(), "200ms");
        m.put(Settings.DELIVERY_RETRY_SCHEDULE.key(), "0s,200ms,400ms,800ms,2s,5s,10s,30s");
        // Deliveries slower than the changes (30/s against 40 changes/s by default), so a backlog is queued when the
        // backup is taken and the copy has work of its own to deliver.
        m.put(Settings.LIMITS_RATE.key(), "30");
        m.put(Settings.LIMITS_BURST.key(), "10");
        return HeraldConfig.defaults(m);
    }

    private static long count(Database db, String sql) {
        return db.read("Drill.COUNT", c -> {
            try (ResultSet rs = c.createStatement().executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static List<UUID> uuids(Database db, String sql) {
        return db.read("Drill.IDS", c -> {
            List<UUID> out = new java.util.ArrayList<>();
            try (ResultSet rs = c.createStatement().executeQuery(sql)) {
                while (rs.next()) out.add(rs.getObject(1, UUID.class));
            }
            return out;
        });
    }

    private static double seconds(long since) {
        return Math.round((System.nanoTime() - since) / 1e7) / 100.0;
    }

    private static Duration parse(String option, String raw) {
        try {
            Duration d = Durations.parse(raw);
            if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(raw + " is not positive");
            return d;
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(option + ": " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static void print(Map<String, Object> r) {
        System.out.printf("Backup drill (%s profile): %s%n", r.get("profile"), Boolean.TRUE.equals(r.get("ok")) ? "PASSED" : "FAILED");
        System.out.printf("  backup under traffic  %8.2f s, %,d bytes, %d tables, %,d rows%n", r.get("backup_s"), r.get("bytes"), r.get("tables"), r.get("rows"));
        System.out.printf("  restore (checked)     %8.2f s, %s mismatches, %s running units queued again%n", r.get("restore_s"), r.get("mismatches"), r.get("requeued"));
        if (!((List<?>) r.get("mismatched_tables")).isEmpty()) System.out.printf("  mismatched            %s%n", r.get("mismatched_tables"));
        System.out.printf("  source delivered      %8d (%s changes streamed, drained: %s)%n", r.get("source_delivered"), r.get("traffic_changes"), r.get("source_drained"));
        System.out.printf("  copy delivered        %8d of %s queued (drained: %s): %s again under their original webhook-id, %s outside them%n",
                r.get("delivered"), r.get("queued_on_copy"), r.get("copy_drained"), r.get("duplicates_under_original_ids"), r.get("duplicates_outside_original_ids"));
        System.out.println("  rows per table:");
        ((Map<String, Long>) r.get("rows_per_table")).forEach((t, n) -> System.out.printf("    %-28s %,10d%n", t, n));
    }

    private static void deleteTree(Path root) {
        try (var walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (java.io.IOException ignored) {
            // a scratch directory under the temporary directory
        }
    }
}
