package dev.herald.backup;

import dev.herald.infra.Database;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scheduled backups for {@code serve}: at {@code backup.schedule} (daily at HH:MM UTC, or every interval) a backup goes
 * into a new subdirectory {@code herald-backup-<UTC time>} of {@code backup.dir}; after a success, complete backups
 * beyond the newest {@code backup.keep} are deleted. A directory target only: operators sync it wherever they like.
 *
 * <p>Gauges (registered by every process, NaN where nothing is scheduled, so an alert on them never fires there):
 * {@code herald_backup_last_success_time_seconds} (Unix time of the last success; at start, the newest complete backup
 * found in {@code backup.dir}, else the time the schedule started, so "no success in 26 h" means 26 h of running),
 * {@code herald_backup_last_duration_seconds}, {@code herald_backup_last_size_bytes}; counter
 * {@code herald_backup_failures_total}. Thread-safe: one scheduler thread takes the backups.
 */
public final class BackupSchedule implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BackupSchedule.class);
    static final String PREFIX = "herald-backup-";
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

    private final Database db;
    private final BackupSettings settings;
    private final Clock clock;
    private final Counter failures;
    private volatile double lastSuccess = Double.NaN;
    private volatile double lastDuration = Double.NaN;
    private volatile double lastBytes = Double.NaN;
    private ScheduledExecutorService scheduler;

    public BackupSchedule(Database db, BackupSettings settings, MeterRegistry registry, Clock clock) {
        this.db = db;
        this.settings = settings;
        this.clock = clock;
        Gauge.builder("herald.backup.last.success.time", this, s -> s.lastSuccess).baseUnit("seconds")
                .description("Unix time of the last successful scheduled backup (NaN when none is scheduled)").register(registry);
        Gauge.builder("herald.backup.last.duration", this, s -> s.lastDuration).baseUnit("seconds")
                .description("How long the last successful scheduled backup took").register(registry);
        Gauge.builder("herald.backup.last.size", this, s -> s.lastBytes).baseUnit("bytes")
                .description("Compressed size of the last successful scheduled backup").register(registry);
        this.failures = Counter.builder("herald.backup.failures").description("Scheduled backups that failed").register(registry);
    }

    /** Starts taking backups on the schedule; does nothing when none is set. Call once. */
    public synchronized void start() {
        if (!settings.scheduled() || scheduler != null) return;
        Manifest newest = newestComplete();
        lastSuccess = newest != null ? newest.finishedAt().toEpochSecond() : clock.instant().getEpochSecond();
        if (newest != null) lastBytes = newest.bytes();
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("herald-backup").daemon(true).factory());
        scheduleNext();
    }

    /** A description of the schedule for the start-up banner, e.g. {@code daily at 02:00 UTC into /backups (keep 7)}. */
    public String describe() {
        String when = settings.dailyAt().map(t -> "daily at " + t + " UTC").orElseGet(() -> "every " + settings.every().orElseThrow());
        return when + " into " + settings.dir().orElseThrow() + " (keep " + settings.keep() + ")";
    }

    private synchronized void scheduleNext() {
        if (scheduler == null || scheduler.isShutdown()) return;
        Duration wait = untilNext(clock.instant());
        scheduler.schedule(() -> {
            try {
                runOnce();
            } catch (RuntimeException e) {
                failures.increment();
                log.warn("scheduled backup failed: {}", e.getMessage());
            }
            scheduleNext();
        }, wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** How long from {@code now} until the next scheduled backup. */
    Duration untilNext(Instant now) {
        if (settings.every().isPresent()) return settings.every().get();
        LocalTime at = settings.dailyAt().orElseThrow();
        ZonedDateTime n = now.atZone(ZoneOffset.UTC);
        ZonedDateTime next = n.with(at).withNano(0);
        if (!next.isAfter(n)) next = next.plusDays(1);
        return Duration.between(n, next);
    }

    /** Takes one backup into {@code backup.dir} now and prunes old ones; answers its directory. */
    Path runOnce() {
        Path dir = settings.dir().orElseThrow().resolve(PREFIX + NAME.format(clock.instant()));
        long start = System.nanoTime();
        Manifest m = Backup.take(db, settings, dir, line -> {});
        lastDuration = (System.nanoTime() - start) / 1e9;
        lastBytes = m.bytes();
        lastSuccess = m.finishedAt().toEpochSecond();
        log.info("scheduled backup: {} tables, {} rows, {} bytes into {} in {} s", m.tables().size(), m.rows(), m.bytes(), dir,
                String.format("%.1f", lastDuration));
        prune();
        return dir;
    }

    /** Deletes complete backups beyond the newest {@code backup.keep} (names sort by time). */
    void prune() {
        List<Path> complete = completeBackups();
        for (int i = settings.keep(); i < complete.size(); i++) {
            Path old = complete.get(i);
            try (Stream<Path> files = Files.list(old)) {
                // the manifest first: a half-deleted backup is never taken for a complete one
                Files.deleteIfExists(old.resolve(Manifest.CHECKSUM_FILE));
                Files.deleteIfExists(old.resolve(Manifest.FILE));
                for (Path f : files.toList()) Files.deleteIfExists(f);
                Files.deleteIfExists(old);
            } catch (IOException e) {
                log.warn("could not delete old backup {}: {}", old, e.getMessage());
            }
        }
    }

    /** Complete scheduled backups in {@code backup.dir}, newest first. */
    List<Path> completeBackups() {
        Path root = settings.dir().orElseThrow();
        if (!Files.isDirectory(root)) return List.of();
        try (Stream<Path> dirs = Files.list(root)) {
            List<Path> out = new ArrayList<>(dirs.filter(d -> d.getFileName().toString().startsWith(PREFIX))
                    .filter(d -> Files.isRegularFile(d.resolve(Manifest.FILE))).toList());
            out.sort(Comparator.comparing((Path d) -> d.getFileName().toString()).reversed());
            return out;
        } catch (IOException e) {
            return List.of();
        }
    }

    private Manifest newestComplete() {
        for (Path d : completeBackups()) {
            try {
                return Manifest.parse(Files.readString(d.resolve(Manifest.FILE)));
            } catch (IOException e) {
                // unreadable: look at the next older one
            }
        }
        return null;
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) scheduler.shutdownNow();
    }
}
