/**
 * Backups and restores of a Herald database, and the schedule that takes them in {@code serve}. Owns no table: it
 * reads every table of Herald's schema (the Flyway history excepted) in one repeatable-read snapshot, streams each out
 * with COPY into a gzip file, and writes a manifest (schema version, rows, SHA-256 of each file compressed and raw,
 * times, Herald version) with its own checksum ({@link dev.herald.backup.Backup}). A restore
 * ({@link dev.herald.backup.Restore}) checks the whole backup before it writes anything, loads it into an empty
 * database at the backup's schema version in one transaction, verifies every table's rows and checksum, puts back
 * what triggers would have maintained (sequences, running work units as queued, the current-incidents view, graph
 * versions), then migrates forward. {@link dev.herald.backup.BackupSchedule} takes scheduled backups into a directory
 * and keeps the newest {@code backup.keep}; its gauges are {@code herald_backup_last_success_time_seconds},
 * {@code herald_backup_last_duration_seconds} and {@code herald_backup_last_size_bytes}.
 */
package dev.herald.backup;
