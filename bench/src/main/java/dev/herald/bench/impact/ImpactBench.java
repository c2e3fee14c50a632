package dev.herald.bench.impact;

import dev.herald.Herald;
import dev.herald.bench.BenchReport;
import dev.herald.cli.DbOptions;
import dev.herald.workload.Profile;
import dev.herald.workload.SeedSummary;
import dev.herald.workload.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./herald bench impact}: on the reference workload, per kind of change (an edge added deep in a chain, an edge
 * removed, an incident that reaches the most subjects resolved, the same incident reopened), the time of the write
 * including its triggers (computing the affected incidents' impact and appending the impact events), p50 / p99,
 * against a full recompute of the organization's impact ({@code impact_rebuild}, the same search over every incident)
 * measured in the same run. Then a burst of mixed changes from several writer threads, drained, and the event log
 * replayed from the state before the burst: every (subject, incident) pair must come out as stored (lost = pairs the
 * events failed to produce or remove; duplicates = events repeating a sequence or starting a pair already started).
 */
@Command(name = "impact", mixinStandardHelpOptions = true,
        description = "Impact: incremental trigger work per change kind vs a full recompute of the organization; a burst replayed.")
public final class ImpactBench implements Callable<Integer> {
    @Mixin DbOptions db;

    @Option(names = "--quick", description = "Small profile, fewer changes (for the gate)")
    boolean quick;

    @Option(names = "--seed", defaultValue = "42", description = "Workload seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--samples", description = "Changes measured per kind (default 60; 20 with --quick)")
    Integer samples;

    @Option(names = "--burst", description = "Changes in the burst (default 1000; 300 with --quick)")
    Integer burst;

    @Override
    public Integer call() throws Exception {
        Profile profile = quick ? Profile.SMALL : Profile.LARGE;
        int n = samples != null ? samples : quick ? 20 : 60;
        int burstChanges = burst != null ? burst : quick ? 300 : 1_000;
        String loadStart = loadavg();
        try (Herald herald = Herald.open(db.load(Map.of("http.port", "0")))) {
            SeedSummary s = Workload.ensureLoaded(herald.db(), herald.settings().seed(), profile, seed, line -> System.err.println("  " + line));
            UUID org = s.organizationId();
            DataSource ds = herald.db().dataSource();
            Random rnd = new Random(seed);
            Changes changes;
            try (Connection c = ds.getConnection()) {
                changes = new Changes(c, org, rnd);
                System.err.printf("organization %s: %,d reach rows, %,d affected subjects, max distance %d%n",
                        org, changes.reachRows, changes.affectedSubjects, changes.maxDistance);
            }
            // warm up: plans and caches, as a running server would have them
            for (int i = 0; i < 5; i++) changes.edgeAddedDeep(ds, true);
            full(ds, org);

            Map<String, double[]> kinds = new LinkedHashMap<>();
            double[] added = new double[n], removed = new double[n], resolved = new double[n], opened = new double[n];
            for (int i = 0; i < n; i++) {
                added[i] = changes.edgeAddedDeep(ds, false);
                removed[i] = changes.edgeRemoved(ds);
                double[] ro = changes.resolveAndReopen(ds, i);
                resolved[i] = ro[0];
                opened[i] = ro[1];
            }
            kinds.put("edge_added_deep", added);
            kinds.put("edge_removed", removed);
            kinds.put("incident_resolved", resolved);
            kinds.put("incident_opened", opened);
            int fullRuns = quick ? 3 : 5;
            double[] fullMs = new double[fullRuns];
            for (int i = 0; i < fullRuns; i++) fullMs[i] = full(ds, org);
            double fullMed = median(fullMs);

            Burst.Result b = Burst.run(ds, org, changes, burstChanges, quick ? 2 : 4, seed);

            BenchReport r = new BenchReport("impact");
            r.header("change", "write p50 ms", "write + apply p50 ms", "p99 ms", "full recompute ms", "speedup (full / p50)", "notes");
            var kj = r.json().putObject("kinds");
            for (var e : kinds.entrySet()) {
                double p50 = pct(e.getValue(), 50), p99 = pct(e.getValue(), 99);
                double[] w = changes.writeOnly.getOrDefault(e.getKey(), List.of()).stream().mapToDouble(Double::doubleValue).toArray();
                double w50 = w.length == 0 ? Double.NaN : pct(w, 50), w99 = w.length == 0 ? Double.NaN : pct(w, 99);
                r.row(e.getKey(), BenchReport.ms(w50), BenchReport.ms(p50), BenchReport.ms(p99), BenchReport.ms(fullMed), String.format("%.1fx", fullMed / p50),
                        changes.notes.getOrDefault(e.getKey(), ""));
                var k = kj.putObject(e.getKey());
                k.put("write_p50_ms", round(w50));
                k.put("write_p99_ms", round(w99));
                k.put("incremental_p50_ms", round(p50));
                k.put("incremental_p99_ms", round(p99));
                k.put("full_recompute_ms", round(fullMed));
                k.put("speedup", round(fullMed / p50));
                k.put("samples", e.getValue().length);
            }
            r.row("burst", "", String.format("%,d changes", b.changes()), String.format("%,d events", b.events()), "",
                    "lost " + b.lost() + ", duplicates " + b.duplicates(), String.format("%d writer threads, %.1f s", b.threads(), b.seconds()));
            var bj = r.json().putObject("burst");
            bj.put("changes", b.changes());
            bj.put("events", b.events());
            bj.put("lost", b.lost());
            bj.put("duplicates", b.duplicates());
            bj.put("writer_threads", b.threads());
            bj.put("seconds", round(b.seconds()));
            r.json().put("profile", profile.wire());
            r.json().put("organization_id", org.toString());
            r.json().put("reach_rows", changes.reachRows);
            r.json().put("affected_subjects", changes.affectedSubjects);
            r.json().put("max_distance", changes.maxDistance);
            r.json().put("what_is_timed", "write = one autocommit write statement with its triggers (impact only records the change), as the "
                    + "writer waits for it; incremental = that write + impact_apply of its recorded changes (search of the affected incidents, diff, "
                    + "impact_events appended), as the applier does it when woken; full = SELECT impact_rebuild(org)");
            r.json().put("loadavg_start", loadStart);
            r.json().put("loadavg_end", loadavg());
            r.finish();
            return b.lost() == 0 && b.duplicates() == 0 ? 0 : 1;
        }
    }

    /** One full recompute of the organization's impact (every incident searched and diffed); ms. */
    static double full(DataSource ds, UUID org) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT impact_rebuild(?)")) {
            c.setAutoCommit(false);
            try (var st = c.createStatement()) {
                st.execute("SET LOCAL statement_timeout = '30min'"); // a whole large organization, not an API statement
            }
            ps.setObject(1, org);
            long t0 = System.nanoTime();
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getInt(1) != 0) System.err.println("  full recompute wrote " + rs.getInt(1) + " events (state was not current)");
            }
            c.commit();
            double ms = (System.nanoTime() - t0) / 1e6;
            c.setAutoCommit(true);
            return ms;
        }
    }

    static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "unavailable";
        }
    }

    static double pct(double[] v, double p) {
        double[] s = v.clone();
        Arrays.sort(s);
        int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, i))];
    }

    static double median(double[] v) {
        return pct(v, 50);
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    static List<UUID> uuids(Connection c, String sql, Object... args) throws SQLException {
        List<UUID> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getObject(1, UUID.class));
            }
        }
        return out;
    }
}
