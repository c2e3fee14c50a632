package dev.herald.bench.impact;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A burst of random changes from several writer threads at once (they serialize per organization in the database),
 * then the event log written during it replayed, in id order, over the (subject, incident) pairs and per-subject
 * sequences stored before it. lost = sequence gaps + pairs that differ between the replay and the stored state after;
 * duplicates = events repeating a sequence, or starting a pair that is already started.
 */
final class Burst {
    record Result(int changes, long events, long lost, long duplicates, int threads, double seconds) {}

    private Burst() {}

    static Result run(DataSource ds, UUID org, Changes changes, int n, int threads, long seed) throws Exception {
        Set<String> pairs = new HashSet<>();
        Map<String, Long> seq = new HashMap<>();
        long lastId;
        try (Connection c = ds.getConnection()) {
            pairs.addAll(pairs(c, org));
            seq.putAll(sequences(c, org));
            lastId = Changes.one(c, "SELECT coalesce(max(id), 0) FROM impact_events WHERE organization_id = ?", org);
        }
        AtomicInteger left = new AtomicInteger(n);
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        // the applier, as a service runs it: applies what the writers recorded while they write, then the rest
        Future<?> applier = pool.submit(() -> {
            try (Connection c = ds.getConnection()) {
                while (writing.get()) {
                    if (Changes.one(c, "SELECT impact_apply(?, 500)", org) == 0) Thread.sleep(5);
                }
                while (Changes.one(c, "SELECT impact_apply(?, 500)", org) > 0) {
                    // drain
                }
            }
            return null;
        });
        try {
            Future<?>[] fs = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                Random r = new Random(seed * 31 + t);
                fs[t] = pool.submit(() -> {
                    try (Connection c = ds.getConnection()) {
                        while (left.getAndDecrement() > 0) changes.random(c, r);
                    }
                    return null;
                });
            }
            for (Future<?> f : fs) f.get();
            writing.set(false);
            applier.get();
        } finally {
            writing.set(false);
            pool.shutdown();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long events = 0, lost = 0, duplicates = 0;
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT subject_type || ':' || subject_id, incident_id, type, sequence FROM impact_events
                WHERE organization_id = ? AND id > ? ORDER BY id""")) {
            ps.setObject(1, org);
            ps.setLong(2, lastId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events++;
                    String subject = rs.getString(1);
                    String pair = subject + "|" + rs.getString(2);
                    long s = rs.getLong(4), prev = seq.getOrDefault(subject, 0L);
                    if (s <= prev) {
                        duplicates++;
                        continue;
                    }
                    if (s > prev + 1) lost += s - prev - 1;
                    seq.put(subject, s);
                    switch (rs.getString(3)) {
                        case "impact.started" -> { if (!pairs.add(pair)) duplicates++; }
                        case "impact.ended" -> { if (!pairs.remove(pair)) duplicates++; }
                        default -> { }
                    }
                }
            }
            Set<String> stored = pairs(c, org);
            Set<String> missing = new HashSet<>(stored);
            missing.removeAll(pairs);
            Set<String> extra = new HashSet<>(pairs);
            extra.removeAll(stored);
            lost += missing.size() + extra.size();
        }
        return new Result(n, events, lost, duplicates, threads, seconds);
    }

    static Set<String> pairs(Connection c, UUID org) throws SQLException {
        Set<String> out = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT node_type || ':' || node_id || '|' || incident_id FROM impact_reach
                WHERE organization_id = ? AND node_type IN ('asset', 'intel_request')""")) {
            ps.setObject(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        }
        return out;
    }

    static Map<String, Long> sequences(Connection c, UUID org) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT subject_type || ':' || subject_id, sequence FROM impact_subjects WHERE organization_id = ?")) {
            ps.setObject(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }
}
