package dev.herald.bench.burst;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.contacts.ContactTarget;
import dev.herald.json.Json;
import dev.herald.senders.SendOutcome;
import dev.herald.senders.Sender;
import dev.herald.templates.RenderedMessage;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The old notification consumer, on Herald's data: N consumers take messages from a broker queue (in memory here,
 * which only flatters it) and, per message, look for a cached context (cached only AFTER generation, so racers on one
 * fingerprint all generate), generate it with {@link OldContext} (the old query per record, fetches one after another),
 * render, check the lock-based GCRA limiter twice (email and webhook channels), take the idempotent session lock, and
 * POST the signed webhook through Herald's own sender to the same receivers. Records processing time (take to done),
 * end-to-end latency (offered to delivered), per-operation timings, throttle-check latency and assemblies.
 */
final class OldDesignDrain {
    static final String CACHE_CHECK = "get_cached_payloads (redis)";
    static final String RENDER = "generate (template)";
    static final String THROTTLE = "is_throttled (x2, lock-based GCRA)";
    static final String SESSION_LOCK = "idempotent_session_lock (redis)";
    static final String SEND = "send (webhook POST)";

    /** One message of the sample: a work unit's ids and fingerprint, and the contact it goes to. */
    record Message(UUID workUnitId, UUID organizationId, UUID incidentId, String fingerprint, ContactTarget contact) {}

    /** What the drain measured; histograms in microseconds. */
    record Result(int messages, int delivered, double drainSeconds, Histogram processing, Histogram e2e, Histogram throttle,
                  StepTable steps, long assemblies, long fingerprints, long failures) {}

    private final DataSource ds;
    private final RedisClient redis;
    private final Function<RedisCommands<String, String>, Predicate<String>> limiterOn;
    private final Sender sender;
    private final int consumers;

    /**
     * @param limiterOn builds the lock-based limiter on one consumer's Redis connection; its predicate admits a check for a key
     */
    OldDesignDrain(DataSource ds, RedisClient redis, Function<RedisCommands<String, String>, Predicate<String>> limiterOn,
                   Sender sender, int consumers) {
        this.ds = ds;
        this.redis = redis;
        this.limiterOn = limiterOn;
        this.sender = sender;
        this.consumers = consumers;
    }

    Result run(List<Message> sample, String runId, java.time.Duration takeFor) throws InterruptedException {
        StepTable steps = new StepTable();
        OldContext contexts = new OldContext(ds, steps);
        Histogram processing = new ConcurrentHistogram(3_600_000_000L, 3);
        Histogram e2e = new ConcurrentHistogram(3_600_000_000L, 3);
        Histogram throttle = new ConcurrentHistogram(3_600_000_000L, 3);
        AtomicLong assemblies = new AtomicLong();
        AtomicLong delivered = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        var broker = new LinkedBlockingQueue<>(sample);
        var taken = java.util.concurrent.ConcurrentHashMap.<String>newKeySet();
        var connections = new ConcurrentLinkedQueue<StatefulRedisConnection<String, String>>();
        List<Thread> threads = new ArrayList<>();
        long offered = System.nanoTime();
        long stopTaking = offered + takeFor.toNanos();
        for (int i = 0; i < consumers; i++) {
            threads.add(Thread.ofPlatform().name("old-consumer-" + i).start(() -> {
                StatefulRedisConnection<String, String> conn = redis.connect();
                connections.add(conn);
                RedisCommands<String, String> r = conn.sync();
                Predicate<String> limiter = limiterOn.apply(r);
                Message m;
                while (System.nanoTime() < stopTaking && (m = broker.poll()) != null) {
                    long start = System.nanoTime();
                    taken.add(m.fingerprint());
                    try {
                        if (handle(m, r, limiter, contexts, steps, throttle, assemblies, runId)) delivered.incrementAndGet();
                        else failures.incrementAndGet();
                    } catch (Exception e) {
                        failures.incrementAndGet();
                        System.err.println("old design: message " + m.workUnitId() + " failed: " + e);
                    }
                    long end = System.nanoTime();
                    processing.recordValue((end - start) / 1000);
                    e2e.recordValue((end - offered) / 1000);
                }
            }));
        }
        for (Thread t : threads) t.join();
        double seconds = (System.nanoTime() - offered) / 1e9;
        connections.forEach(StatefulRedisConnection::close);
        long fingerprints = taken.size();
        return new Result((int) processing.getTotalCount(), (int) delivered.get(), seconds, processing, e2e, throttle, steps, assemblies.get(),
                fingerprints, failures.get());
    }

    private boolean handle(Message m, RedisCommands<String, String> r, Predicate<String> limiter, OldContext contexts,
                           StepTable steps, Histogram throttle, AtomicLong assemblies, String runId) throws Exception {
        String cacheKey = "old:" + runId + ":ctx:" + m.fingerprint();
        long t = System.nanoTime();
        String cached = r.get(cacheKey);
        t = lap(steps, CACHE_CHECK, t);
        JsonNode ctx;
        if (cached != null) {
            ctx = Json.mapper().readTree(cached);
        } else {
            ctx = contexts.generate(m.organizationId(), m.incidentId());
            assemblies.incrementAndGet();
            r.set(cacheKey, ctx.toString(), SetArgs.Builder.ex(600)); // cached only after generation: racers all paid
            t = System.nanoTime();
        }
        String body = Json.mapper().createObjectNode().put("type", "incident.updated").put("work_unit", m.workUnitId().toString())
                .set("data", ctx).toString();
        t = lap(steps, RENDER, t);
        String throttleKey = "old:" + runId + ":throttle:" + m.organizationId();
        for (int channel = 0; channel < 2; channel++) { // email and webhook channels: two checks per message
            long c0 = System.nanoTime();
            limiter.test(throttleKey);
            throttle.recordValue((System.nanoTime() - c0) / 1000);
        }
        t = lap(steps, THROTTLE, t);
        UUID deliveryId = UUID.nameUUIDFromBytes(("old-design/" + runId + "/" + m.workUnitId()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        boolean locked = "OK".equals(r.set("old:" + runId + ":idem:" + deliveryId, Instant.now().toString(), SetArgs.Builder.nx().px(60_000)));
        t = lap(steps, SESSION_LOCK, t);
        if (!locked) return false;
        SendOutcome outcome = sender.send(m.contact(), deliveryId, 1, new RenderedMessage(body, null, null, null));
        lap(steps, SEND, t);
        return outcome instanceof SendOutcome.Delivered;
    }

    private static long lap(StepTable steps, String step, long since) {
        long now = System.nanoTime();
        steps.record(step, (now - since) / 1000);
        return now;
    }
}
