/**
 * Infrastructure every feature stands on: the database (embedded or external, Flyway migrations, per-statement
 * timeouts, retries of reads and transient errors: {@link dev.herald.infra.Database}), the one LISTEN loop
 * ({@link dev.herald.infra.PgChannelListener}), Redis ({@link dev.herald.infra.RedisLink}) and metrics. Knows no
 * feature.
 */
package dev.herald.infra;
