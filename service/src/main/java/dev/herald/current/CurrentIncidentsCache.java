package dev.herald.current;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The in-process cache of current-incidents views, one snapshot per organization (Caffeine, bounded by the number of
 * entries held, expiring after the TTL).
 *
 * <p><b>The version check.</b> Writers bump the organization's view version in the same transaction as the change, in
 * commit order, and notify it on the change feed. Checking a snapshot means reading that version from the database
 * (one primary-key lookup): when the snapshot's version is the database's nothing changed since it was taken; when it
 * is older the cache reads only the entries changed after its version (one indexed query) before answering.
 *
 * <p><b>Consistency modes.</b> {@code strict}: every read checks. {@code change-feed} (the default): a read is
 * answered from memory, without a database round trip, when all of these hold: (1) the feed is listening and was
 * confirmed within {@code maxSilence} (see {@link Feed}); (2) the snapshot was last checked on the feed's current
 * connection, so no notification can have been lost since; (3) no notification announced a newer version than the
 * snapshot's; (4) this process finished no database write since the check ({@link dev.herald.infra.Database#localWrites()}), so a
 * client's read after its own write through this process always sees the write. Otherwise the read checks as in
 * strict mode. A commit in another process is therefore served as soon as its notification arrives (typically well
 * under a millisecond on one host); a silently dead feed degrades to strict reads after {@code maxSilence}.
 *
 * <p>Thread-safe. Catching up an organization is single-flight: concurrent readers wait for one database read.
 */
final class CurrentIncidentsCache {
    /** What a change-feed read needs to know about the LISTEN connection. */
    interface Feed {
        /** True while the LISTEN connection is up. */
        boolean listening();

        /** System.nanoTime instant before which every committed change has been announced (on this connection). */
        long confirmedAt();

        /** Changes with every new LISTEN connection. */
        long generation();
    }

    private final CurrentIncidentsStore store;
    private final Cache<UUID, Holder> views;
    private final boolean strict;
    private final Feed feed;
    private final LongSupplier localWrites;
    private final long maxSilenceNanos;

    /** One organization's slot: the current snapshot (null until first loaded) and the lock of its catch-up. */
    static final class Holder {
        final ReentrantLock lock = new ReentrantLock();
        final AtomicBoolean hintPending = new AtomicBoolean();
        /** Highest version a notification announced for this organization. */
        final AtomicLong announced = new AtomicLong();
        volatile CurrentIncidentsView view;
        /** Feed generation and local-write count read just before the last check that found {@link #view} current. */
        volatile long checkedGeneration = -1;
        volatile long checkedLocalWrites = -1;

        int weight() {
            CurrentIncidentsView v = view;
            return 1 + (v == null ? 0 : v.size());
        }
    }

    CurrentIncidentsCache(CurrentIncidentsStore store, long maxEntries, Duration ttl, boolean strict, Feed feed,
                          LongSupplier localWrites, Duration maxSilence) {
        this.store = store;
        this.strict = strict;
        this.feed = feed;
        this.localWrites = localWrites;
        this.maxSilenceNanos = maxSilence.toNanos();
        this.views = Caffeine.newBuilder()
                .maximumWeight(maxEntries)
                .weigher((UUID org, Holder h) -> h.weight())
                .expireAfterWrite(ttl)
                .build();
    }

    /** The organization's view as of now (see the consistency modes above); empty when it does not exist. */
    Optional<CurrentIncidentsView> current(UUID org) {
        if (!strict) {
            Holder h = views.getIfPresent(org);
            if (h != null) {
                CurrentIncidentsView v = servable(h);
                if (v != null) return Optional.of(v);
            }
        }
        return checked(org);
    }

    /** The holder's snapshot when a change-feed read may answer with it without asking the database, else null. */
    private CurrentIncidentsView servable(Holder h) {
        CurrentIncidentsView v = h.view;
        if (v == null || !feed.listening()) return null;
        if (System.nanoTime() - feed.confirmedAt() > maxSilenceNanos) return null;
        if (h.checkedGeneration != feed.generation() || h.checkedLocalWrites != localWrites.getAsLong()) return null;
        return v.version() >= h.announced.get() ? v : null;
    }

    /** The strict read, whatever the mode: the version from the database, catching up when the snapshot is older. */
    Optional<CurrentIncidentsView> checked(UUID org) {
        // the holder exists before the version is read: a notification arriving after this point raises its
        // announced version, and one that arrived before was for a commit the version read will see
        Holder h = views.get(org, k -> new Holder());
        long generation = feed.listening() ? feed.generation() : -1;
        long writes = localWrites.getAsLong();
        Optional<Long> dbVersion = store.version(org);
        if (dbVersion.isEmpty()) {
            views.invalidate(org);
            return Optional.empty();
        }
        CurrentIncidentsView v = h.view;
        Optional<CurrentIncidentsView> out = v != null && v.version() >= dbVersion.get() ? Optional.of(v) : catchUp(org, h, dbVersion.get());
        if (out.isPresent()) {
            h.checkedGeneration = generation;
            h.checkedLocalWrites = writes;
        }
        return out;
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
            views.asMap().replace(org, h, h); // re-weigh the slot with its new size, restart its TTL (unless evicted meanwhile)
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
        h.announced.accumulateAndGet(version, Math::max);
        CurrentIncidentsView v = h.view;
        if (v != null && v.version() >= version) return;
        if (!h.hintPending.compareAndSet(false, true)) return;
        try {
            catchUp(org, h, version);
        } finally {
            h.hintPending.set(false);
        }
    }

    /**
     * Waits until a change-feed read of {@code org} can no longer miss any change committed before this call: the feed
     * announced the organization's current version, or the snapshot already holds it, or nothing is cached. For tests
     * and diagnostics; true when reached within {@code timeout}.
     */
    boolean awaitAnnounced(UUID org, Duration timeout) throws InterruptedException {
        Optional<Long> version = store.version(org);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Holder h = views.getIfPresent(org);
            CurrentIncidentsView v = h == null ? null : h.view;
            if (version.isEmpty() || v == null || v.version() >= version.get() || h.announced.get() >= version.get()) return true;
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(1);
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
