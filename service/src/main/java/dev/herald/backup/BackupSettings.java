package dev.herald.backup;

import dev.herald.config.CrossCheck;
import dev.herald.config.Durations;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Optional;

/**
 * Backup settings ({@code backup.*}). Immutable. Refused at start: a {@code backup.schedule} without a
 * {@code backup.dir}.
 *
 * @param dailyAt          scheduled daily at this time (UTC); empty when the schedule is an interval or off
 * @param every            scheduled at this interval; empty when the schedule is daily or off
 * @param dir              where scheduled backups go
 * @param keep             scheduled backups kept (newest first)
 * @param statementTimeout statement timeout of each COPY of a backup and of a restore's loading transaction
 */
public record BackupSettings(Optional<LocalTime> dailyAt, Optional<Duration> every, Optional<Path> dir, int keep,
                             Duration statementTimeout) {

    /** Reads and checks the backup settings. */
    public static BackupSettings from(HeraldConfig config) {
        Optional<String> schedule = config.get(Settings.BACKUP_SCHEDULE);
        Optional<String> dir = config.get(Settings.BACKUP_DIR);
        CrossCheck check = CrossCheck.of(config);
        check.require(schedule.isEmpty() || dir.isPresent(), check.describe(Settings.BACKUP_SCHEDULE)
                + " needs " + Settings.BACKUP_DIR.key() + ": a scheduled backup must know where to go").orThrow();
        Optional<LocalTime> daily = schedule.filter(s -> s.contains(":")).map(s -> LocalTime.parse(s.length() == 4 ? "0" + s : s));
        Optional<Duration> every = schedule.filter(s -> !s.contains(":")).map(Durations::parse);
        return new BackupSettings(daily, every, dir.map(d -> Path.of(d).toAbsolutePath().normalize()),
                config.get(Settings.BACKUP_KEEP), config.get(Settings.BACKUP_STATEMENT_TIMEOUT));
    }

    /** Whether serve takes backups on a schedule. */
    public boolean scheduled() {
        return dailyAt.isPresent() || every.isPresent();
    }
}
