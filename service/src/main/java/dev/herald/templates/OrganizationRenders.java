package dev.herald.templates;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one organization's own templates may take from the others in this process: one render at a time, deliveries
 * and the checks of a template being saved alike (so a runaway template holds one render thread and one core, never
 * all of them), and after one ran out of render time, nothing
 * for {@code delivery.template.suspend-after-timeout} (its own templates then fail at once; a save lifts it). Renders
 * of the shipped defaults are not limited: their cost is bounded by the context. Thread-safe.
 */
final class OrganizationRenders {
    private static final Logger log = LoggerFactory.getLogger(OrganizationRenders.class);

    private final Duration suspendFor;
    private final Duration maxWait;
    /** Organizations suspended, with the reason, until the suspension ends. */
    private final Cache<UUID, String> suspended;
    /** One permit per organization: its own templates render one at a time. */
    private final Cache<UUID, Semaphore> gates;

    /**
     * @param suspendFor how long an organization whose template ran out of time stays suspended
     * @param maxWait    longest a render waits for the organization's previous one (the previous one's budget)
     */
    OrganizationRenders(Duration suspendFor, Duration maxWait, int maxEntries) {
        this.suspendFor = suspendFor;
        this.maxWait = maxWait;
        this.suspended = Caffeine.newBuilder().expireAfterWrite(suspendFor).maximumSize(maxEntries).build();
        this.gates = Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(10)).maximumSize(maxEntries).build();
    }

    /** Throws the {@link TemplateException} of a suspended organization; {@code what} names the template. */
    void requireNotSuspended(UUID organizationId, String what) {
        String why = suspended.getIfPresent(organizationId);
        if (why != null) throw new TemplateException(what + " was not rendered: " + why, null);
    }

    /** Runs {@code render} of the organization's own templates once its previous one is done (and it is not suspended). */
    <T> T oneAtATime(UUID organizationId, String what, Supplier<T> render) {
        return oneAtATime(organizationId, what, true, render);
    }

    /**
     * Runs {@code render} of the organization's own templates once its previous one is done; {@code unlessSuspended}
     * false for the checks of a template being saved, which a suspended organization must be able to do.
     */
    <T> T oneAtATime(UUID organizationId, String what, boolean unlessSuspended, Supplier<T> render) {
        Semaphore gate = gates.get(organizationId, k -> new Semaphore(1));
        try {
            if (!gate.tryAcquire(maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new TemplateException(what + " was not rendered: this organization's previous render is still running", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TemplateException(what + " was not rendered: interrupted", e);
        }
        try {
            if (unlessSuspended) requireNotSuspended(organizationId, what); // the render waited for may have been the runaway
            return render.get();
        } finally {
            gate.release();
        }
    }

    void suspend(UUID organizationId, String what) {
        suspended.put(organizationId, "this organization's templates are suspended until "
                + OffsetDateTime.now(ZoneOffset.UTC).plus(suspendFor).withNano(0) + " because " + what
                + " took longer than delivery.template.render-timeout (save a template to lift it)");
        log.warn("organization {} template {} ran out of render time; its templates are suspended for {}", organizationId, what, suspendFor);
    }

    void lift(UUID organizationId) {
        suspended.invalidate(organizationId);
    }

    boolean suspended(UUID organizationId) {
        return suspended.getIfPresent(organizationId) != null;
    }
}
