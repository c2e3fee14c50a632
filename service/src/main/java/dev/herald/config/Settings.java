package dev.herald.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The catalog of every Herald setting, with its default and what it means. {@code ./herald config} prints it;
 * the README's settings table is generated from it. Add a feature's settings in its own section below and to {@link #ALL}.
 */
public final class Settings {
    private Settings() {}

    private static Duration ms(long n) { return Duration.ofMillis(n); }
    private static Duration s(long n) { return Duration.ofSeconds(n); }
    private static Duration h(long n) { return Duration.ofHours(n); }

    private static String validJdbcUrl(String raw) {
        if (!raw.startsWith("jdbc:postgresql://") && !raw.startsWith("postgresql://") && !raw.startsWith("postgres://")) {
            throw new IllegalArgumentException("'" + raw + "' is not a PostgreSQL URL (postgresql://host:port/db or jdbc:postgresql://...)");
        }
        return raw;
    }

    private static String validRedisUrl(String raw) {
        if (!raw.startsWith("redis://") && !raw.startsWith("rediss://")) {
            throw new IllegalArgumentException("'" + raw + "' is not a Redis URL (redis://host:port)");
        }
        return raw;
    }

    // ---- where data lives ----------------------------------------------------------------------------------------
    public static final Setting<java.nio.file.Path> DATA_DIR = Setting.path("data.dir", "~/.herald",
            "Directory for the embedded PostgreSQL data, the first admin key and local state.");
    public static final Setting<Optional<String>> DATABASE_URL = Setting.optional("database.url",
            "External PostgreSQL 13+ URL; when absent Herald runs an embedded PostgreSQL under data.dir.", Settings::validJdbcUrl);
    public static final Setting<Optional<String>> DATABASE_USER = Setting.optional("database.user",
            "User for database.url (or put it in the URL).", v -> v);
    public static final Setting<Optional<String>> DATABASE_PASSWORD = Setting.optional("database.password",
            "Password for database.url; never logged.", v -> v);
    public static final Setting<Optional<String>> REDIS_URL = Setting.optional("redis.url",
            "Redis URL for shared limits, caches and single-flight across processes; absent = in-process.", Settings::validRedisUrl);
    public static final Setting<Integer> EMBEDDED_PORT = Setting.integer("embedded.port", 0, 0, 65535,
            "Port of the embedded PostgreSQL; 0 picks a free one (written to data.dir/embedded-pg.port for other processes).");
    public static final Setting<Duration> EMBEDDED_START_TIMEOUT = Setting.duration("embedded.start-timeout", "60s", s(5), Duration.ofMinutes(10),
            "How long to wait for the embedded PostgreSQL to start.");
    public static final Setting<Duration> EMBEDDED_STOP_WAIT = Setting.duration("embedded.stop-wait", "60s", s(1), Duration.ofMinutes(10),
            "On shutdown (SIGTERM), how long the embedded PostgreSQL this process owns keeps running while the process's consumers finish and ack their units; it stops earlier once they are done. Keep it above http.shutdown-grace.");

    public static final Setting<Optional<String>> MASTER_KEY = Setting.optional("master.key",
            "Master key that encrypts the secrets stored in the database (webhook signing secrets, OAuth client secrets, static header values): base64 of 32 random bytes. For an external database (give this or master.key-file); never logged. Cannot be rotated in place: use master.key-file for ./herald secrets rotate-master-key.", v -> v);
    public static final Setting<Optional<String>> MASTER_KEY_FILE = Setting.optional("master.key-file",
            "File holding the master key(s), base64, one a line, the first the current one (mode 600). Absent with the embedded database: data.dir/master.key, created on first start.", v -> v);

    // ---- database access -----------------------------------------------------------------------------------------
    public static final Setting<Integer> DB_POOL_SIZE = Setting.integer("db.pool-size", 24, 1, 500,
            "Maximum connections in the pool.");
    public static final Setting<Integer> DB_STATEMENT_POOL_SIZE = Setting.integer("db.statement-pool-size", 8, 1, 500,
            "Maximum connections, besides db.pool-size, for the queue's one-statement writes (claim and ack), whose prepared statements are planned once per connection (plan_cache_mode=force_generic_plan): re-planning the claim at every call cost more than running it.");
    public static final Setting<Duration> DB_CONNECT_TIMEOUT = Setting.duration("db.connect-timeout", "5s", ms(250), Duration.ofMinutes(5),
            "How long to wait for a pooled connection (or a new one) before failing.");
    public static final Setting<Duration> DB_STATEMENT_TIMEOUT = Setting.duration("db.statement-timeout", "5s", ms(10), Duration.ofHours(1),
            "Server-side statement_timeout of every statement; long jobs (seed, rebuild, benchmarks) set their own per transaction.");
    public static final Setting<Duration> DB_LOCK_TIMEOUT = Setting.duration("db.lock-timeout", "3s", ms(10), Duration.ofHours(1),
            "Server-side lock_timeout: how long a statement waits for a row or table lock.");
    public static final Setting<Duration> DB_IDLE_IN_TX_TIMEOUT = Setting.duration("db.idle-in-transaction-timeout", "60s", s(1), Duration.ofHours(1),
            "Server-side idle_in_transaction_session_timeout: a transaction left open this long is ended by the server.");
    public static final Setting<Duration> DB_SOCKET_TIMEOUT = Setting.duration("db.socket-timeout", "120s", s(1), Duration.ofHours(2),
            "Client-side socket read timeout, the backstop if the server or network stops answering.");
    public static final Setting<Duration> DB_LISTEN_PROBE_INTERVAL = Setting.duration("db.listen-probe-interval", "500ms", ms(10), s(60),
            "A LISTEN connection (change feeds) with nothing delivered for this long runs SELECT 1 to confirm it is alive and caught up.");
    public static final Setting<Duration> DB_RETRY_DEADLINE = Setting.duration("db.retry-deadline", "15s", ms(100), Duration.ofMinutes(10),
            "Total time a retried operation may take across all its attempts.");
    public static final Setting<Integer> DB_RETRY_MAX_ATTEMPTS = Setting.integer("db.retry-max-attempts", 5, 1, 100,
            "Most attempts of one retried operation (first try included).");
    public static final Setting<Duration> DB_RETRY_BASE_DELAY = Setting.duration("db.retry-base-delay", "25ms", ms(1), s(10),
            "First backoff delay between attempts; doubles each time, with jitter.");
    public static final Setting<Duration> DB_RETRY_MAX_DELAY = Setting.duration("db.retry-max-delay", "1s", ms(1), s(60),
            "Largest backoff delay between attempts.");
    public static final Setting<Duration> SEED_STATEMENT_TIMEOUT = Setting.duration("seed.statement-timeout", "10m", s(1), Duration.ofHours(2),
            "statement_timeout of the seed and import transactions (bulk COPY).");

    // ---- HTTP API ------------------------------------------------------------------------------------------------
    public static final Setting<String> HTTP_HOST = Setting.string("http.host", "127.0.0.1",
            "Address the API binds to; 0.0.0.0 for every interface.");
    public static final Setting<Integer> HTTP_PORT = Setting.integer("http.port", 8080, 0, 65535,
            "API port; 0 picks a free one and prints it.");
    public static final Setting<Integer> HTTP_MAX_BODY_BYTES = Setting.integer("http.max-body-bytes", 10_000_000, 1024, 1_000_000_000,
            "Largest request body accepted.");
    public static final Setting<Duration> HTTP_SHUTDOWN_GRACE = Setting.duration("http.shutdown-grace", "10s", ms(0), Duration.ofMinutes(5),
            "On SIGTERM, how long in-flight requests and work may take to finish.");
    public static final Setting<Boolean> METRICS_OPEN_ON_LOOPBACK = Setting.bool("metrics.open-on-loopback", true,
            "GET /metrics needs no key when asked from 127.0.0.1 / ::1; from elsewhere it needs an admin key.");
    public static final Setting<Boolean> HTTP_LOG_REQUESTS = Setting.bool("http.log-requests", true,
            "Log one line per request with its status and time.");
    public static final Setting<Integer> API_LIST_DEFAULT_LIMIT = Setting.integer("api.list-default-limit", 100, 1, 100_000,
            "Items per page when a list call gives no limit.");
    public static final Setting<Integer> API_LIST_MAX_LIMIT = Setting.integer("api.list-max-limit", 1000, 1, 100_000,
            "Largest limit a list call may ask for (422 above).");
    public static final Setting<Integer> API_CURRENT_MAX_LIMIT = Setting.integer("api.current-max-limit", 5000, 1, 100_000,
            "Largest page of GET /incidents/current.");
    public static final Setting<Duration> API_IDEMPOTENCY_TTL = Setting.duration("api.idempotency-ttl", "24h", s(1), Duration.ofDays(30),
            "How long an Idempotency-Key is remembered per organization: a POST or PATCH repeated with the same key and request within it answers the first response again and changes nothing.");
    public static final Setting<Duration> API_IDEMPOTENCY_WAIT = Setting.duration("api.idempotency-wait", "10s", ms(10), Duration.ofMinutes(5),
            "How long a request waits for another one with the same Idempotency-Key still running before it answers 409.");
    public static final Setting<Integer> API_BULK_MAX_IDS = Setting.integer("api.bulk-max-ids", 1000, 1, 100_000,
            "Most ids or roots in one bulk call (422 above).");

    // ---- graph ---------------------------------------------------------------------------------------------------
    public static final Setting<Integer> GRAPH_DEFAULT_MAX_DISTANCE = Setting.integer("graph.default-max-distance", 5, 1, 1000,
            "Dependency distance followed when a call or organization gives none.");
    public static final Setting<Integer> GRAPH_MAX_DISTANCE_CAP = Setting.integer("graph.max-distance-cap", 100, 1, 100_000,
            "Largest max_distance a call may ask for (422 above).");

    // ---- graph snapshots (in-memory resolution) -------------------------------------------------------------------
    public static final Setting<Boolean> GRAPH_SNAPSHOTS = Setting.bool("graph.snapshots", true,
            "Resolve from an in-memory snapshot of each organization's edges when it is current (version checked per call); false = always SQL.");
    public static final Setting<Integer> GRAPH_SNAPSHOT_MAX_EDGES = Setting.integer("graph.snapshot-max-edges", 5_000_000, 1, 500_000_000,
            "Most live edges held in snapshots across organizations; an organization with more is always resolved in SQL.");
    public static final Setting<Duration> GRAPH_SNAPSHOT_IDLE = Setting.duration("graph.snapshot-idle", "30m", s(1), Duration.ofDays(7),
            "A snapshot unused this long is dropped (reloaded on the next use).");

    // ---- caches: TTL per data kind -------------------------------------------------------------------------------
    public static final Setting<Duration> CACHE_TTL_REFERENCE = Setting.duration("cache.ttl.reference", "6h", s(1), Duration.ofDays(7),
            "TTL of reference data (organizations, asset types, templates); invalidated on change.");
    public static final Setting<Duration> CACHE_TTL_CURRENT = Setting.duration("cache.ttl.current-incidents", "10m", s(1), Duration.ofDays(1),
            "TTL of current-incidents entries in memory; invalidated on change.");
    public static final Setting<Duration> CACHE_TTL_CONTEXT = Setting.duration("cache.ttl.context", "5m", s(1), Duration.ofDays(1),
            "TTL of notification contexts cached by fingerprint.");
    public static final Setting<Duration> CACHE_TTL_METRICS = Setting.duration("cache.ttl.metrics", "5s", ms(100), h(1),
            "TTL of computed gauges (queue depth, oldest age, dead count).");
    public static final Setting<Integer> CACHE_SHARED_LOCAL_ENTRIES = Setting.integer("cache.shared-local-entries", 2_000, 0, 1_000_000,
            "With Redis: notification contexts (immutable per fingerprint) kept in process after building or fetching them, so the other contacts of the same change skip Redis; a context is tens of KB in memory, so keep this small.");
    public static final Setting<Duration> CACHE_SHARED_LOCAL_TTL = Setting.duration("cache.shared-local-ttl", "30s", ms(0), h(1),
            "With Redis: how long a context stays in process (the contacts of one change are worked within seconds of each other).");
    public static final Setting<Integer> CACHE_MAX_ENTRIES = Setting.integer("cache.max-entries", 100_000, 100, 10_000_000,
            "Bound on entries of each in-process cache.");
    public static final Setting<Duration> CACHE_TTL_API_KEYS = Setting.duration("cache.ttl.api-keys", "30s", ms(0), h(1),
            "How long a verified API key is remembered in process (0 = check the database on every request); a revoked key stops working within this time.");

    // ---- current-incidents view -----------------------------------------------------------------------------------
    public static final Setting<Duration> CURRENT_LISTEN_RECONNECT_DELAY = Setting.duration("current.listen-reconnect-delay", "1s", ms(10), s(300),
            "Wait before reconnecting the LISTEN connection that hints current-incidents changes (reads stay correct meanwhile: each checks the version).");
    public static final Setting<String> CURRENT_CONSISTENCY = Setting.choice("current.consistency", "change-feed", List.of("change-feed", "strict"),
            "How a read of the current-incidents view knows its cached snapshot is current. change-feed: from memory while the LISTEN feed is confirmed (a commit in another process is served once its notification arrives, typically under a millisecond; the next read after a write by this process checks the database). strict: every read checks the version in the database (one round trip).");
    public static final Setting<Duration> CURRENT_FEED_MAX_SILENCE = Setting.duration("current.feed-max-silence", "2s", ms(10), h(1),
            "change-feed consistency: reads are served from memory only while the change feed was confirmed within this time (see db.listen-probe-interval); otherwise each read checks the version.");
    public static final Setting<Duration> CURRENT_REBUILD_TIMEOUT = Setting.duration("current.rebuild-timeout", "10m", s(1), Duration.ofHours(2),
            "statement_timeout of ./herald rebuild-view per organization.");

    // ---- impact ----------------------------------------------------------------------------------------------------
    public static final Setting<Duration> IMPACT_REBUILD_TIMEOUT = Setting.duration("impact.rebuild-timeout", "10m", s(1), Duration.ofHours(2),
            "statement_timeout of an impact rebuild of one organization (./herald rebuild-impact; the start after graph.default-max-distance changed).");
    public static final Setting<Duration> IMPACT_APPLY_INTERVAL = Setting.duration("impact.apply-interval", "1s", ms(10), s(300),
            "How often the impact applier (in every process running consumers) looks for recorded impact changes when no notification woke it; a notification on herald_impact wakes it at once.");
    public static final Setting<Double> IMPACT_APPLY_DUTY_CYCLE = Setting.decimal("impact.apply-duty-cycle", 0.5, 0.05, 1.0,
            "Most share of its time the impact applier spends applying while changes keep coming: after an apply of d ms it waits d x (1 - c) / c before the next, so a storm of changes cannot take the database from deliveries; the changes recorded meanwhile are applied together (net effect). 1 = no wait.");
    public static final Setting<Integer> IMPACT_APPLY_BATCH = Setting.integer("impact.apply-batch", 500, 1, 100_000,
            "Most recorded impact changes of one organization applied in one transaction (one recompute); more wait for the next.");

    // ---- pipeline: queue, consumers, retries ----------------------------------------------------------------------
    public static final Setting<Integer> WORK_CONSUMERS = Setting.integer("work.consumers", 8, 0, 10_000,
            "Consumers (virtual threads) per process in serve and worker; each claims a batch, works it, and acks it.");
    public static final Setting<Integer> WORK_BATCH_SIZE = Setting.integer("work.batch-size", 8, 1, 10_000,
            "Work units one consumer claims at once (FOR UPDATE SKIP LOCKED) when the queue is not backed up.");
    public static final Setting<Integer> WORK_BATCH_MAX = Setting.integer("work.batch-max", 64, 1, 10_000,
            "A consumer whose claim came back full doubles its next claim, up to this; a partial claim goes back to work.batch-size. A backlog drains in fewer, larger statements.");
    public static final Setting<Integer> WORK_MAX_IN_FLIGHT = Setting.integer("work.max-in-flight", 6, 1, 100_000,
            "Work units one process works at once across all its consumers: a consumer claims only what free permits allow (at most half of them per claim), so a backlog waits in the queue, where waiting is cheap, rather than claimed, where it would stretch every unit's claim-to-ack time and lease. More raises a backlog's throughput a little and each unit's time a lot on a small machine (2 cores: 6 gave 3.0 ms per unit and 970 units/s, 16 gave 7.1 ms and 1,130/s); raise it with the cores.");
    public static final Setting<Duration> WORK_LEASE = Setting.duration("work.lease", "20s", ms(200), Duration.ofMinutes(30),
            "How long a claim is held without a heartbeat; a crashed process's work is reclaimed after it (plus work.reclaim-interval).");
    public static final Setting<Duration> WORK_HEARTBEAT = Setting.duration("work.heartbeat", "5s", ms(50), Duration.ofMinutes(10),
            "How often a consumer extends the lease of the batch it is working (well under work.lease).");
    public static final Setting<Duration> WORK_RECLAIM_INTERVAL = Setting.duration("work.reclaim-interval", "5s", ms(50), Duration.ofMinutes(10),
            "How often each process looks for expired leases to reclaim.");
    public static final Setting<Duration> WORK_POLL_INTERVAL = Setting.duration("work.poll-interval", "1s", ms(10), Duration.ofMinutes(1),
            "How long an idle consumer waits before polling again; LISTEN/NOTIFY wakes it sooner.");
    public static final Setting<Integer> WORK_READ_AHEAD = Setting.integer("work.read-ahead", 256, 0, 100_000,
            "Ready work units, next in line, whose notification contexts a process assembles before a consumer claims them (0 = off): a unit's claim-to-ack time is then its own delivery, and a subject's context is still assembled once (single-flight).");
    public static final Setting<Integer> WORK_READ_AHEAD_CONCURRENCY = Setting.integer("work.read-ahead-concurrency", 4, 1, 1_000,
            "Contexts the read-ahead assembles at once per process.");
    public static final Setting<Duration> WORK_READ_AHEAD_PAUSE = Setting.duration("work.read-ahead-pause", "20ms", ms(1), Duration.ofMinutes(1),
            "How long the read-ahead waits before looking again when every context in its window is prepared (an empty queue waits for work like a consumer).");
    public static final Setting<Duration> WORK_PRUNE_AFTER = Setting.duration("work.prune-after", "5m", s(0), Duration.ofDays(30),
            "How long finished work stays in the hot work_units table before it moves to work_units_done.");
    public static final Setting<Duration> WORK_PRUNE_INTERVAL = Setting.duration("work.prune-interval", "30s", ms(100), h(24),
            "How often each process moves finished work and drops old history.");
    public static final Setting<Integer> WORK_PRUNE_BATCH = Setting.integer("work.prune-batch", 5000, 1, 1_000_000,
            "Most rows moved, dropped or reclaimed per maintenance statement (prune of finished work, reclaim of expired leases).");
    public static final Setting<Duration> WORK_HISTORY_RETENTION = Setting.duration("work.history-retention", "7d", Duration.ofMinutes(1), Duration.ofDays(3650),
            "How long finished work is kept in work_units_done.");

    // ---- delivery: webhooks, email, templates --------------------------------------------------------------------
    public static final Setting<Boolean> DELIVERY_ALLOW_PRIVATE_TARGETS = Setting.bool("delivery.allow-private-targets", false,
            "Accept webhook and token URLs on loopback, private (RFC 1918 / ULA) and link-local addresses; tests and the demo set it true.");
    public static final Setting<Duration> DELIVERY_WEBHOOK_CONNECT_TIMEOUT = Setting.duration("delivery.webhook.connect-timeout", "2s", ms(50), s(60),
            "How long a webhook send (or an OAuth2 token request) waits to connect.");
    public static final Setting<Duration> DELIVERY_WEBHOOK_REQUEST_TIMEOUT = Setting.duration("delivery.webhook.request-timeout", "15s", ms(50), Duration.ofMinutes(5),
            "How long a webhook send waits for the receiver's answer after sending; a receiver that hangs is cut off and retried. The Standard Webhooks spec recommends 15-30 s.");
    public static final Setting<Integer> DELIVERY_WEBHOOK_MAX_BODY_BYTES = Setting.integer("delivery.webhook.max-body-bytes", 262_144, 256, 10_000_000,
            "Largest rendered webhook body; a larger one fails without being sent.");
    public static final Setting<Duration> DELIVERY_RETRY_AFTER_MAX = Setting.duration("delivery.retry-after-max", "1h", s(1), Duration.ofDays(1),
            "Cap on a receiver's Retry-After (429/503): a longer wait is shortened to this.");
    public static final Setting<Duration> DELIVERY_OAUTH_REFRESH_MARGIN = Setting.duration("delivery.oauth.refresh-margin", "30s", s(0), h(1),
            "An OAuth2 access token is fetched anew this long before it expires.");
    public static final Setting<Duration> DELIVERY_OAUTH_DEFAULT_LIFETIME = Setting.duration("delivery.oauth.default-lifetime", "5m", s(1), Duration.ofDays(1),
            "Lifetime assumed for an OAuth2 token whose response gives no expires_in.");
    public static final Setting<String> SMTP_HOST = Setting.string("delivery.smtp.host", "localhost",
            "SMTP server that sends email notifications.");
    public static final Setting<Integer> SMTP_PORT = Setting.integer("delivery.smtp.port", 25, 1, 65535,
            "SMTP server port (25 or 587 with STARTTLS; 465 needs delivery.smtp.ssl).");
    public static final Setting<Optional<String>> SMTP_USER = Setting.optional("delivery.smtp.user",
            "SMTP user; absent = no authentication.", v -> v);
    public static final Setting<Optional<String>> SMTP_PASSWORD = Setting.optional("delivery.smtp.password",
            "SMTP password; never logged.", v -> v);
    public static final Setting<String> SMTP_FROM = Setting.string("delivery.smtp.from", "Herald <herald@localhost>",
            "From address of email notifications.");
    public static final Setting<Boolean> SMTP_STARTTLS = Setting.bool("delivery.smtp.starttls", true,
            "Upgrade to TLS with STARTTLS when the server offers it.");
    public static final Setting<Boolean> SMTP_STARTTLS_REQUIRED = Setting.bool("delivery.smtp.starttls-required", false,
            "Refuse to send when the server does not offer STARTTLS.");
    public static final Setting<Boolean> SMTP_SSL = Setting.bool("delivery.smtp.ssl", false,
            "Connect with TLS from the start (SMTPS, usually port 465).");
    public static final Setting<Duration> SMTP_CONNECT_TIMEOUT = Setting.duration("delivery.smtp.connect-timeout", "5s", ms(50), s(120),
            "How long an email send waits to connect to the SMTP server.");
    public static final Setting<Duration> SMTP_TIMEOUT = Setting.duration("delivery.smtp.timeout", "10s", ms(50), Duration.ofMinutes(5),
            "How long an email send waits for each SMTP reply or write.");
    public static final Setting<Integer> SMTP_POOL_SIZE = Setting.integer("delivery.smtp.pool-size", 4, 0, 256,
            "Most SMTP sessions kept connected to the server and used at once (a send waits up to delivery.smtp.timeout for one); 0 = a new connection per message.");
    public static final Setting<Duration> SMTP_POOL_IDLE = Setting.duration("delivery.smtp.pool-idle", "30s", ms(100), Duration.ofHours(1),
            "A kept SMTP session idle longer than this is closed instead of reused (keep it below the server's own idle timeout).");
    public static final Setting<Integer> SMTP_POOL_MAX_MESSAGES = Setting.integer("delivery.smtp.pool-max-messages", 100, 1, 1_000_000,
            "Messages sent on one kept SMTP session before it is closed and a fresh one opened (servers limit messages per connection).");
    public static final Setting<Integer> TEMPLATE_MAX_CHARS = Setting.integer("delivery.template.max-chars", 65_536, 64, 1_000_000,
            "Largest template an organization may save (422 above).");
    public static final Setting<Integer> TEMPLATE_MAX_RENDERED_CHARS = Setting.integer("delivery.template.max-rendered-chars", 1_000_000, 1024, 100_000_000,
            "Largest output one template may render; a template rendering more fails (422 when saved).");
    public static final Setting<Duration> TEMPLATE_RENDER_TIMEOUT = Setting.duration("delivery.template.render-timeout", "500ms", ms(10), s(60),
            "Longest one template may take to render, in CPU time (and at most twice it on the wall clock, for a machine starved of CPU): a render past it stops and fails that unit only (retried like any failed render); a template saved that takes longer on the sample (see delivery.template.sample-dependents) is refused (422).");
    public static final Setting<Integer> TEMPLATE_RENDER_THREADS = Setting.integer("delivery.template.render-threads", 2, 1, 256,
            "Threads that render templates; a delivery waits for its render (at most three times delivery.template.render-timeout: queued, then rendering), so a runaway template never holds the threads deliveries run on.");
    public static final Setting<Integer> TEMPLATE_RENDER_QUEUE = Setting.integer("delivery.template.render-queue", 256, 1, 100_000,
            "Renders waiting for a render thread (at least work.max-in-flight); past it a render fails at once (and its unit is retried).");
    public static final Setting<Duration> TEMPLATE_SUSPEND = Setting.duration("delivery.template.suspend-after-timeout", "5m", s(1), h(24),
            "After one of an organization's own templates runs past delivery.template.render-timeout, that organization's own templates fail at once for this long (saving a template lifts it), so one organization cannot keep taking render time from the others.");
    public static final Setting<Integer> TEMPLATE_SAMPLE_DEPENDENTS = Setting.integer("delivery.template.sample-dependents", 300, 2, 100_000,
            "Dependents and assets in the sample context a template must render within delivery.template.render-timeout to be saved: realistic sizes, so a template that is cheap on two dependents but explodes on hundreds is refused at save.");
    // ---- limits: GCRA rate limit per key, per-contact throttle windows -------------------------------------------
    public static final Setting<Integer> LIMITS_RATE = Setting.integer("limits.rate", 100, 1, 100_000_000,
            "Rate limit: deliveries allowed per limits.period per key, steady state (GCRA).");
    public static final Setting<Duration> LIMITS_PERIOD = Setting.duration("limits.period", "1s", ms(1), Duration.ofDays(1),
            "Rate limit: the period limits.rate is counted over.");
    public static final Setting<Integer> LIMITS_BURST = Setting.integer("limits.burst", 50, 1, 100_000_000,
            "Rate limit: deliveries allowed back to back after an idle spell; any window of one period admits at most rate + burst.");
    public static final Setting<String> LIMITS_SCOPE = Setting.choice("limits.scope", "contact", List.of("contact", "organization", "channel"),
            "What one rate limit counts: contact (default), organization, or channel (per organization and channel).");
    public static final Setting<Integer> LIMITS_MAX_KEYS = Setting.integer("limits.max-keys", 1_000_000, 1000, 100_000_000,
            "Bound on keys held by the in-process limiter and throttle windows (idle keys expire once they are full again).");

    // ---- coordination across processes (Redis) ---------------------------------------------------------------------
    public static final Setting<Duration> REDIS_TIMEOUT = Setting.duration("redis.timeout", "500ms", ms(10), s(60),
            "Timeout of one Redis command; past it the call falls back to in-process limits and caches.");
    // ---- delivery: retries, per-contact isolation, endpoint health, retention ------------------------------------
    public static final Setting<Duration> DELIVERY_MAX_RETRY_HORIZON = Setting.duration("delivery.max-retry-horizon", "7d", s(0), Duration.ofDays(30),
            "Longest total a retry schedule may add up to (the default's, an organization's or a contact's).");
    public static final Setting<RetrySchedule> DELIVERY_RETRY_SCHEDULE = Setting.custom("delivery.retry-schedule", "0s,5s,5m,30m,2h,5h,10h,10h,14h,20h,24h",
            "Delays between the attempts of a delivery, comma-separated: entry 1 before the first attempt, entry k+1 after attempt k failed; as many attempts as entries (the default: 11 attempts over 85h35m). Each delay is spread by delivery.retry-jitter; a receiver's Retry-After (429/503) can lengthen it up to delivery.retry-after-max. Organizations and contacts can have their own (API field retry_schedule).",
            raw -> RetrySchedule.parse(raw, Duration.ofDays(36_500)));
    public static final Setting<Double> DELIVERY_RETRY_JITTER = Setting.decimal("delivery.retry-jitter", 0.2, 0.0, 1.0,
            "Random spread of each retry delay either way (0.2: between 80% and 120% of the schedule's delay), so receivers that come back are not hit by every retry at once.");
    public static final Setting<Integer> DELIVERY_CONTACT_CONCURRENCY = Setting.integer("delivery.contact-concurrency", 8, 1, 10_000,
            "Sends to one contact in flight at once in one process; a unit claimed for a contact at its limit goes back to the queue without counting as an attempt.");
    public static final Setting<Duration> DELIVERY_SLOW_SEND = Setting.duration("delivery.slow-send", "1s", ms(10), Duration.ofMinutes(5),
            "A send still waiting for its receiver after this stops counting against work.max-in-flight (it keeps its lease and its per-contact slot), so a receiver that hangs never takes the process's slots from healthy ones.");
    public static final Setting<Duration> DELIVERY_CONTACT_BUSY_DELAY = Setting.duration("delivery.contact-busy-delay", "2s", ms(1), Duration.ofMinutes(10),
            "When a contact is at delivery.contact-concurrency with sends slower than delivery.slow-send, its ready units are put back by this long (one statement for all of them); a contact that is merely busy gets a few milliseconds.");
    public static final Setting<Integer> DELIVERY_CIRCUIT_FAILURES = Setting.integer("delivery.circuit-failures", 3, 1, 1000,
            "Consecutive failed sends to a contact that open its circuit: its queued units wait until the circuit half-opens instead of being claimed.");
    public static final Setting<Duration> DELIVERY_CIRCUIT_OPEN = Setting.duration("delivery.circuit-open", "30s", ms(10), h(24),
            "How long a contact's circuit stays open the first time; each time it opens again without a success in between, twice as long, up to delivery.circuit-open-max.");
    public static final Setting<Duration> DELIVERY_CIRCUIT_OPEN_MAX = Setting.duration("delivery.circuit-open-max", "10m", ms(10), h(24),
            "Longest a contact's circuit stays open before one send probes the receiver again.");
    public static final Setting<Integer> DELIVERY_FAILING_AFTER = Setting.integer("delivery.failing-after", 4, 1, 1000,
            "Consecutive failed sends after which the organization's operational contacts hear contact.failing (once per failing streak).");
    public static final Setting<Duration> DELIVERY_DISABLE_AFTER = Setting.duration("delivery.disable-after", "5d", ms(100), Duration.ofDays(365),
            "A contact failing continuously (no success) for this long is disabled, and the operational contacts hear contact.disabled.");
    public static final Setting<Duration> DELIVERY_SUCCESS_RECORD_INTERVAL = Setting.duration("delivery.success-record-interval", "1m", ms(0), h(24),
            "A healthy contact's last_success_at is written at most this often (a success after failures is always written).");
    public static final Setting<Duration> DELIVERY_SECRET_OVERLAP = Setting.duration("delivery.secret-overlap", "24h", s(0), Duration.ofDays(30),
            "After POST /contacts/{id}/secret/rotate, how long the old secret stays valid: every webhook carries a signature with each secret meanwhile, so a receiver verifying with either accepts it.");
    public static final Setting<Duration> RETENTION_DELIVERIES = Setting.duration("retention.deliveries", "30d", h(1), Duration.ofDays(3650),
            "How long the delivery log and its attempts are kept; attempts go a whole day partition at a time, deliveries in batches of work.prune-batch.");
    public static final Setting<Integer> RETENTION_PARTITIONS_AHEAD = Setting.integer("retention.partitions-ahead", 7, 2, 365,
            "Day partitions of delivery_attempts kept created ahead of today.");
    public static final Setting<Duration> REDIS_CONNECT_TIMEOUT = Setting.duration("redis.connect-timeout", "10s", ms(50), s(60),
            "How long the first connection to redis.url may take at start before Herald refuses to start.");
    public static final Setting<Duration> REDIS_RETRY_AFTER = Setting.duration("redis.retry-after", "1s", ms(10), Duration.ofMinutes(10),
            "After a Redis failure, how long calls stay in process before Redis is tried again.");
    public static final Setting<Duration> CACHE_LEASE = Setting.duration("cache.lease", "30s", ms(50), Duration.ofHours(1),
            "Single-flight lease on Redis: how long one process owns building a missing value before others may take over.");
    public static final Setting<Duration> CACHE_WAIT = Setting.duration("cache.wait", "60s", ms(50), Duration.ofHours(1),
            "Single-flight on Redis: longest a caller waits for another process's build before building itself.");

    // ---- backups (dev.herald.backup) -------------------------------------------------------------------------------
    public static final Setting<Optional<String>> BACKUP_SCHEDULE = Setting.optional("backup.schedule",
            "When serve takes a backup into backup.dir: HH:MM = daily at that time UTC (e.g. 02:00), or an interval (e.g. 6h); absent = never.",
            Settings::validBackupSchedule);
    public static final Setting<Optional<String>> BACKUP_DIR = Setting.optional("backup.dir",
            "Directory under which scheduled backups are written, one subdirectory each (required with backup.schedule); sync it where you like.", v -> v);
    public static final Setting<Integer> BACKUP_KEEP = Setting.integer("backup.keep", 7, 1, 10_000,
            "Scheduled backups kept in backup.dir: after a successful one, older ones beyond the newest N are deleted.");
    public static final Setting<Duration> BACKUP_STATEMENT_TIMEOUT = Setting.duration("backup.statement-timeout", "1h", s(1), Duration.ofHours(24),
            "statement_timeout of each table's COPY in a backup, and of a restore's one loading transaction.");

    /** A schedule is HH:MM (daily, UTC) or an interval of at least a minute. */
    static String validBackupSchedule(String raw) {
        if (raw.matches("\\d{1,2}:\\d{2}")) {
            String[] hm = raw.split(":");
            if (Integer.parseInt(hm[0]) > 23 || Integer.parseInt(hm[1]) > 59) {
                throw new IllegalArgumentException("'" + raw + "' is not a time of day (00:00..23:59)");
            }
            return raw;
        }
        Duration d;
        try {
            d = Durations.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + raw + "' is neither HH:MM (daily, UTC) nor an interval such as 6h");
        }
        if (d.compareTo(Duration.ofMinutes(1)) < 0) throw new IllegalArgumentException(raw + " is shorter than 1m");
        return raw;
    }

    public static final Setting<Duration> CONSOLE_API_TIMEOUT = Setting.duration("console.api-timeout", "30s", s(1), Duration.ofMinutes(5),
            "How long a console page waits for the Herald API call behind it (the console reads and acts through the API on loopback).");

    /** Every setting, in the order {@code ./herald config} prints them. */
    public static final List<Setting<?>> ALL = List.of(
            DATA_DIR, DATABASE_URL, DATABASE_USER, DATABASE_PASSWORD, MASTER_KEY, MASTER_KEY_FILE, REDIS_URL, EMBEDDED_PORT, EMBEDDED_START_TIMEOUT, EMBEDDED_STOP_WAIT,
            DB_POOL_SIZE, DB_STATEMENT_POOL_SIZE, DB_CONNECT_TIMEOUT, DB_STATEMENT_TIMEOUT, DB_LOCK_TIMEOUT, DB_IDLE_IN_TX_TIMEOUT, DB_SOCKET_TIMEOUT, DB_LISTEN_PROBE_INTERVAL,
            DB_RETRY_DEADLINE, DB_RETRY_MAX_ATTEMPTS, DB_RETRY_BASE_DELAY, DB_RETRY_MAX_DELAY, SEED_STATEMENT_TIMEOUT,
            HTTP_HOST, HTTP_PORT, HTTP_MAX_BODY_BYTES, HTTP_SHUTDOWN_GRACE, METRICS_OPEN_ON_LOOPBACK, HTTP_LOG_REQUESTS,
            API_LIST_DEFAULT_LIMIT, API_LIST_MAX_LIMIT, API_CURRENT_MAX_LIMIT, API_BULK_MAX_IDS, API_IDEMPOTENCY_TTL, API_IDEMPOTENCY_WAIT, CONSOLE_API_TIMEOUT,
            GRAPH_DEFAULT_MAX_DISTANCE, GRAPH_MAX_DISTANCE_CAP,
            GRAPH_SNAPSHOTS, GRAPH_SNAPSHOT_MAX_EDGES, GRAPH_SNAPSHOT_IDLE,
            CACHE_TTL_REFERENCE, CACHE_TTL_CURRENT, CACHE_TTL_CONTEXT, CACHE_TTL_METRICS, CACHE_MAX_ENTRIES, CACHE_SHARED_LOCAL_ENTRIES, CACHE_SHARED_LOCAL_TTL, CACHE_TTL_API_KEYS,
            CURRENT_LISTEN_RECONNECT_DELAY, CURRENT_CONSISTENCY, CURRENT_FEED_MAX_SILENCE, CURRENT_REBUILD_TIMEOUT, IMPACT_REBUILD_TIMEOUT, IMPACT_APPLY_INTERVAL, IMPACT_APPLY_BATCH, IMPACT_APPLY_DUTY_CYCLE,
            DELIVERY_ALLOW_PRIVATE_TARGETS, DELIVERY_WEBHOOK_CONNECT_TIMEOUT, DELIVERY_WEBHOOK_REQUEST_TIMEOUT,
            DELIVERY_WEBHOOK_MAX_BODY_BYTES, DELIVERY_RETRY_AFTER_MAX, DELIVERY_OAUTH_REFRESH_MARGIN, DELIVERY_OAUTH_DEFAULT_LIFETIME,
            DELIVERY_MAX_RETRY_HORIZON, DELIVERY_RETRY_SCHEDULE, DELIVERY_RETRY_JITTER, DELIVERY_CONTACT_CONCURRENCY, DELIVERY_SLOW_SEND,
            DELIVERY_CONTACT_BUSY_DELAY, DELIVERY_CIRCUIT_FAILURES, DELIVERY_CIRCUIT_OPEN, DELIVERY_CIRCUIT_OPEN_MAX, DELIVERY_FAILING_AFTER,
            DELIVERY_DISABLE_AFTER, DELIVERY_SUCCESS_RECORD_INTERVAL, DELIVERY_SECRET_OVERLAP, RETENTION_DELIVERIES, RETENTION_PARTITIONS_AHEAD,
            SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD, SMTP_FROM, SMTP_STARTTLS, SMTP_STARTTLS_REQUIRED, SMTP_SSL,
            SMTP_CONNECT_TIMEOUT, SMTP_TIMEOUT, SMTP_POOL_SIZE, SMTP_POOL_IDLE, SMTP_POOL_MAX_MESSAGES, TEMPLATE_MAX_CHARS, TEMPLATE_MAX_RENDERED_CHARS,
            TEMPLATE_RENDER_TIMEOUT, TEMPLATE_RENDER_THREADS, TEMPLATE_RENDER_QUEUE, TEMPLATE_SUSPEND, TEMPLATE_SAMPLE_DEPENDENTS,
            LIMITS_RATE, LIMITS_PERIOD, LIMITS_BURST, LIMITS_SCOPE, LIMITS_MAX_KEYS,
            REDIS_TIMEOUT, REDIS_CONNECT_TIMEOUT, REDIS_RETRY_AFTER, CACHE_LEASE, CACHE_WAIT,
            WORK_CONSUMERS, WORK_BATCH_SIZE, WORK_BATCH_MAX, WORK_MAX_IN_FLIGHT, WORK_LEASE, WORK_HEARTBEAT, WORK_RECLAIM_INTERVAL, WORK_POLL_INTERVAL,
            WORK_READ_AHEAD, WORK_READ_AHEAD_CONCURRENCY, WORK_READ_AHEAD_PAUSE,
            WORK_PRUNE_AFTER, WORK_PRUNE_INTERVAL, WORK_PRUNE_BATCH, WORK_HISTORY_RETENTION,
            BACKUP_SCHEDULE, BACKUP_DIR, BACKUP_KEEP, BACKUP_STATEMENT_TIMEOUT);

    /** Settings whose values are secrets: printed as {@code ***}. */
    public static final List<Setting<?>> SECRET = List.of(DATABASE_PASSWORD, MASTER_KEY, SMTP_PASSWORD);

    static Map<String, Setting<?>> byKey() {
        Map<String, Setting<?>> m = new LinkedHashMap<>();
        for (Setting<?> s : ALL) {
            if (m.put(s.key(), s) != null) {
                throw new IllegalStateException("duplicate setting " + s.key());
            }
        }
        return Collections.unmodifiableMap(m);
    }

    static List<String> keys() {
        List<String> keys = new ArrayList<>();
        ALL.forEach(s -> keys.add(s.key()));
        return keys;
    }
}
