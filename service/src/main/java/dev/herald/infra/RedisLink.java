package dev.herald.infra;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's one Redis client and connection (Lettuce connections are thread-safe and pipeline concurrent commands),
 * plus the shared view of whether Redis is usable right now. Users call {@link #available()} before a command, and
 * {@link #failed} when one fails: Redis is then skipped for {@code redis.retry-after} (callers fall back to in-process
 * limits and caches), a warning is logged at most every 30 s, and {@code herald_redis_fallbacks_total} counts it.
 * Commands fail fast while disconnected (no queueing), time out after {@code redis.timeout}, and Lettuce reconnects
 * in the background. Thread-safe.
 */
public final class RedisLink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisLink.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final RedisClient client;
    private final ClientResources resources;
    private final StatefulRedisConnection<String, String> connection;
    private final String safeUrl;
    private final long retryAfterNanos;
    private final AtomicLong downUntil = new AtomicLong(Long.MIN_VALUE);
    private final AtomicBoolean down = new AtomicBoolean(false);
    private final AtomicLong lastWarn = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
    private final Metrics metrics;

    private RedisLink(RedisClient client, ClientResources resources, StatefulRedisConnection<String, String> connection,
                      String safeUrl, Duration retryAfter, Metrics metrics) {
        this.client = client;
        this.resources = resources;
        this.connection = connection;
        this.safeUrl = safeUrl;
        this.retryAfterNanos = retryAfter.toNanos();
        this.metrics = metrics;
        Gauge.builder("herald.redis.up", this, l -> l.down.get() ? 0 : 1)
                .description("1 while Redis answers, 0 while limits and caches run in process").register(metrics.registry());
    }

    /**
     * Connects to {@code redis.url} and checks it answers.
     *
     * @throws IllegalStateException with one clear line when Redis cannot be reached (Herald must not start then)
     */
    public static RedisLink connect(RedisSettings settings, Metrics metrics) {
        String url = settings.url().orElseThrow(() -> new IllegalStateException("redis.url is not set"));
        String safe = redact(url);
        Duration timeout = settings.timeout();
        ClientResources resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(20), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        RedisClient client = null;
        try {
            RedisURI uri = RedisURI.create(url);
            uri.setTimeout(settings.connectTimeout()); // the handshake may be slow in a cold JVM
            client = RedisClient.create(resources, uri);
            client.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .socketOptions(SocketOptions.builder().connectTimeout(settings.connectTimeout()).build())
                    .timeoutOptions(TimeoutOptions.enabled())
                    .build());
            StatefulRedisConnection<String, String> conn = client.connect();
            conn.setTimeout(timeout);
            conn.sync().ping();
            return new RedisLink(client, resources, conn, safe, settings.retryAfter(), metrics);
        } catch (RuntimeException e) {
            if (client != null) client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            resources.shutdown(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("cannot reach Redis at " + safe + " (redis.url, from "
                    + settings.urlSource() + "): " + rootMessage(e)
                    + "; start Redis or leave redis.url unset to run as a single process", e);
        }
    }

    /** The shared synchronous commands (thread-safe; each call times out after {@code redis.timeout}). */
    public RedisCommands<String, String> sync() {
        return connection.sync();
    }

    /** Whether callers should try Redis now (false for {@code redis.retry-after} after a failure). */
    public boolean available() {
        return !down.get() || System.nanoTime() - downUntil.get() >= 0;
    }

    /** Whether Redis answered the last call (false while running in process). */
    public boolean up() {
        return !down.get();
    }

    /** Records a failed Redis call by {@code component}: fall back for a while, warn (rate-limited), count. */
    public void failed(String component, RuntimeException e) {
        downUntil.set(System.nanoTime() + retryAfterNanos);
        down.set(true);
        Counter.builder("herald.redis.fallbacks").description("Calls answered in process because Redis failed")
                .tag("component", component).register(metrics.registry()).increment();
        long now = System.nanoTime();
        long last = lastWarn.get();
        if (now - last >= WARN_EVERY_NANOS && lastWarn.compareAndSet(last, now)) {
            log.warn("Redis at {} failed ({}: {}); {} falls back to in-process limits and caches until it answers again",
                    safeUrl, e.getClass().getSimpleName(), rootMessage(e), component);
        }
    }

    /** Records a successful Redis call: leaves fallback mode. */
    public void succeeded() {
        if (down.get() && down.compareAndSet(true, false)) {
            log.info("Redis at {} answers again; limits and caches are shared across processes again", safeUrl);
        }
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    /** The URL without its password. */
    static String redact(String url) {
        return url.replaceAll("//[^@/]*@", "//***@");
    }

    private static String rootMessage(Throwable e) {
        Throwable r = e;
        while (r.getCause() != null && r.getCause() != r) r = r.getCause();
        return r.getMessage() == null ? r.getClass().getSimpleName() : r.getMessage();
    }
}
