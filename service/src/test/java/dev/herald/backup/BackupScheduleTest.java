package dev.herald.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.config.HeraldConfig;
import dev.herald.config.ConfigException;
import dev.herald.testing.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scheduled backups: when they run, what they keep, what their gauges say, and which settings are refused. */
class BackupScheduleTest {
    @TempDir Path dir;

    @Test
    void aDailyScheduleRunsNextAtItsTimeUtc() {
        BackupSchedule s = schedule(Map.of("backup.schedule", "02:00", "backup.dir", dir.toString()), null);
        assertThat(s.untilNext(Instant.parse("2026-12-04T01:30:00Z"))).isEqualTo(Duration.ofMinutes(30));
        assertThat(s.untilNext(Instant.parse("2026-12-04T02:00:00Z"))).isEqualTo(Duration.ofHours(24));
        assertThat(s.untilNext(Instant.parse("2026-12-04T23:00:00Z"))).isEqualTo(Duration.ofHours(3));
        assertThat(schedule(Map.of("backup.schedule", "6h", "backup.dir", dir.toString()), null)
                .untilNext(Instant.parse("2026-12-04T23:00:00Z"))).isEqualTo(Duration.ofHours(6));
    }

    @Test
    void badSchedulesAreRefusedNamingTheSetting() {
        assertThat(refusal(Map.of("backup.schedule", "25:00", "backup.dir", "/x"))).contains("backup.schedule").contains("time of day");
        assertThat(refusal(Map.of("backup.schedule", "soon", "backup.dir", "/x"))).contains("backup.schedule");
        assertThat(refusal(Map.of("backup.schedule", "02:00"))).contains("backup.schedule").contains("backup.dir");
    }

    @Test
    void eachRunAddsABackupKeepsTheNewestAndSetsTheGauges() throws Exception {
        HeraldConfig config = TestPostgres.freshConfig(Map.of("backup.schedule", "02:00", "backup.dir", dir.toString(), "backup.keep", "2"));
        try (Herald herald = Herald.open(config)) {
            herald.organizations().create("Backed up", null, false, null);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Instant[] now = {Instant.parse("2026-12-04T02:00:00Z")};
            Clock clock = new Clock() {
                public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
                public Clock withZone(java.time.ZoneId zone) { return this; }
                public Instant instant() { return now[0]; }
            };
            BackupSchedule s = new BackupSchedule(herald.db(), herald.settings().backup(), registry, clock);
            assertThat(registry.get("herald.backup.last.success.time").gauge().value()).isNaN();
            Path first = s.runOnce();
            now[0] = now[0].plus(Duration.ofDays(1));
            Path second = s.runOnce();
            now[0] = now[0].plus(Duration.ofDays(1));
            Path third = s.runOnce();
            assertThat(s.completeBackups()).containsExactly(third, second);
            assertThat(Files.exists(first)).isFalse();
            assertThat(registry.get("herald.backup.last.success.time").gauge().value())
                    .isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(60.0));
            assertThat(registry.get("herald.backup.last.size").gauge().value()).isEqualTo(tableFilesSize(third));
            assertThat(registry.get("herald.backup.last.duration").gauge().value()).isPositive();
            BackupCheck.check(third, l -> {}); // what the schedule wrote is a complete, valid backup
        }
    }

    private static long tableFilesSize(Path backup) throws Exception {
        try (var files = Files.list(backup)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".copy.gz")).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static String refusal(Map<String, String> settings) {
        try {
            BackupSettings.from(HeraldConfig.defaults(settings));
            return "accepted";
        } catch (ConfigException e) {
            return e.getMessage();
        }
    }

    private static BackupSchedule schedule(Map<String, String> settings, Clock clock) {
        return new BackupSchedule(null, BackupSettings.from(HeraldConfig.defaults(settings)), new SimpleMeterRegistry(),
                clock == null ? Clock.systemUTC() : clock);
    }
}
