package dev.herald.incidents;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-process cache of current-incidents views, one snapshot per organization (Caffeine, bounded by the number of
 * entries held, expiring after the TTL).
 *
 * <p><b>Never stale.</b> Every read first reads the organization's view version from the database (one primary-key
 * lookup). Writers bump that version in the same transaction as the change, in commit order; so when the cached
 * snapshot's version is the database's, nothing changed since it was taken, and when it is older the cache reads
 * only the entries changed after its version (one indexed query) before answering. A LISTEN/NOTIFY hint
 * ({@link #hint}) catches up in the background so that reads usually find the snapshot current already.
 *
 * <p>Thread-safe. Catching up an organization is single-flight: concurrent readers wait for one database read.
 */
final class CurrentIncidentsCache {
    private final CurrentIncidentsStore store;
    private final Cache<UUID, Holder> views;

    /** One organization's slot: the current snapshot (null until first loaded) and the lock of its catch-up. */
    static final class Holder {
        final ReentrantLock lock = new ReentrantLock();
        final AtomicBoolean hintPending = new AtomicBoolean();
        volatile CurrentIncidentsView view;

        int weight() {
            CurrentIncidentsView v = view;
            return 1 + (v == null ? 0 : v.size());
        }
    }

    CurrentIncidentsCache(CurrentIncidentsStore store, long maxEntries, Duration ttl) {
        this.store = store;
        this.views = Caffeine.newBuilder()
                .maximumWeight(maxEntries)
                .weigher((UUID org, Holder h) -> h.weight())
                .expireAfterWrite(ttl)
                .build();
    }

    /** The organization's view as of now (never older than the last committed write); empty when it does not exist. */
    Optional<CurrentIncidentsView> current(UUID org) {
        Optional<Long> dbVersion = store.version(org);
        if (dbVersion.isEmpty()) {
            views.invalidate(org);
            return Optional.empty();
        }
        Holder h = views.get(org, k -> new Holder());
        CurrentIncidentsView v = h.view;
        if (v != null && v.version() >= dbVersion.get()) {
            return Optional.of(v);
        }
        return catchUp(org, h, dbVersion.get());
    }

    private Optional<CurrentIncidentsView> catchUp(UUID org, Holder h, long atLeast) {
        h.lock.lock();
        try {
            CurrentIncidentsView v = h.view;
            if (v != null && v.version() >= atLeast) {
                return Optional.of(v);
            }
            Optional<CurrentIncidentsView> next = v == null ? store.load(org) : store.catchUp(v);
            if (next.isEmpty()) {
                views.invalidate(org);
                return Optional.empty();
            }
            h.view = next.get();
            views.put(org, h); // re-weigh the slot with its new size, restart its TTL
            return next;
        } finally {
            h.lock.unlock();
        }
    }

    /**
     * A change notification: the organization's view reached {@code version}. When this process holds an older
     * snapshot, catch up now (on the caller's thread, the listener's), so that later reads find it current.
     */
    void hint(UUID org, long version) {
        Holder h = views.getIfPresent(org);
        if (h == null) return;
        CurrentIncidentsView v = h.view;
        if (v != null && v.version() >= version) return;
        if (!h.hintPending.compareAndSet(false, true)) return;
        try {
            catchUp(org, h, version);
        } finally {
            h.hintPending.set(false);
        }
    }

    /** Drops every snapshot (e.g. after the notification connection was lost; reads stay correct without it). */
    void invalidateAll() {
        views.invalidateAll();
    }

    /** The version of the cached snapshot of {@code org}, or -1 when none is cached (for tests and diagnostics). */
    long cachedVersion(UUID org) {
        Holder h = views.getIfPresent(org);
        CurrentIncidentsView v = h == null ? null : h.view;
        return v == null ? -1 : v.version();
    }
}
