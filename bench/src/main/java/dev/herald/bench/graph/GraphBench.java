package dev.herald.bench.graph;

import static dev.herald.bench.BenchReport.ms;

import dev.herald.Herald;
import dev.herald.bench.BenchReport;
import dev.herald.cli.DbOptions;
import dev.herald.config.Settings;
import dev.herald.graph.Direction;
import dev.herald.graph.Graph;
import dev.herald.graph.Graph.Strategy;
import dev.herald.graph.NodeRef;
import dev.herald.graph.Reached;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import dev.herald.workload.Profile;
import dev.herald.workload.SeedSummary;
import dev.herald.workload.Workload;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./herald bench graph}: the old path-enumerating recursive query (verbatim, unbounded, one root at a time)
 * against Herald's resolution (unbounded and capped; per root and batched; memory snapshot and SQL) on the same edges in
 * one run, for typical roots and the worst roots. Writes bench-results/graph.json.
 */
@Command(name = "graph", mixinStandardHelpOptions = true,
        description = "Old recursive dependency query vs Herald's graph resolution, same data, one run.")
public final class GraphBench implements Runnable {
    @Mixin DbOptions db;

    @Option(names = "--profile", defaultValue = "large", description = "large or small (default ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--seed", defaultValue = "42", description = "Workload seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--typical", defaultValue = "50", description = "Typical roots, random incidents (default ${DEFAULT-VALUE})")
    int typical;

    @Option(names = "--worst", defaultValue = "20", description = "Worst roots, most reachable paths (default ${DEFAULT-VALUE})")
    int worst;

    @Option(names = "--reps", defaultValue = "5", description = "Repetitions of each Herald measurement (default ${DEFAULT-VALUE})")
    int reps;

    @Option(names = "--old-reps", defaultValue = "1", description = "Repetitions of the old query per root (default ${DEFAULT-VALUE})")
    int oldReps;

    @Option(names = "--old-timeout", defaultValue = "10m", description = "Statement timeout of each old query (default ${DEFAULT-VALUE})")
    String oldTimeout;

    @Option(names = "--quick", description = "CI mode: small profile unless --profile is given, 2 Herald repetitions")
    boolean quick;

    @Override
    public void run() {
        if (quick) {
            if (!profileGiven()) profile = "small";
            reps = Math.min(reps, 2);
        }
        if (!profile.equals("large") && !profile.equals("small")) throw new IllegalArgumentException("--profile must be large or small");
        Duration timeout = dev.herald.config.Durations.parse(oldTimeout);
        var config = db.load(Map.of(Settings.DB_STATEMENT_TIMEOUT.key(), "60s"));
        try (Herald herald = Herald.open(config)) {
            new Run(herald, timeout).go();
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    private boolean profileGiven() {
        return spec != null && spec.commandLine().getParseResult().hasMatchedOption("--profile");
    }

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    private static void say(String s) {
        System.err.println("bench graph: " + s);
    }

    private final class Run {
        final Herald herald;
        final Graph graph;
        final Duration oldTimeout;
        final int cap;
        UUID org;

        Run(Herald herald, Duration oldTimeout) {
            this.herald = herald;
            this.graph = herald.graph();
            this.oldTimeout = oldTimeout;
            this.cap = herald.config().get(Settings.GRAPH_DEFAULT_MAX_DISTANCE);
        }

        void go() throws Exception {
            long t0 = System.nanoTime();
            SeedSummary loaded = Workload.ensureLoaded(herald.db(), herald.settings().seed(), Profile.parse(profile), seed, GraphBench::say);
            org = loaded.organizationId();
            Roots.Picked roots = Roots.pick(herald.db(), org, typical, worst, seed);
            say(String.format(Locale.ROOT, "%d live edges; worst roots have %.0f to %.0f paths", roots.liveEdges(),
                    roots.paths().get(roots.worst().get(roots.worst().size() - 1)), roots.paths().get(roots.worst().get(0))));
            try (Connection c = herald.db().openDedicated()) {
                long n = OldQuery.createOldTable(c, org);
                say("built dependencies.dependencies (reference DDL, six indexes): " + n + " rows");
                long l0 = System.nanoTime();
                graph.preload(org);
                say(String.format(Locale.ROOT, "snapshot loaded in %.0f ms", (System.nanoTime() - l0) / 1e6));

                String oldSql = OldQuery.sql(Direction.DEPENDENTS);
                Map<NodeRef, OldQuery.Result> oldResults = new HashMap<>();
                Histogram oldWorst = hist();
                Histogram oldTypical = hist();
                say("old query on " + roots.worst().size() + " worst roots...");
                for (NodeRef r : roots.worst()) oldRun(c, oldSql, r, oldWorst, oldResults);
                say("old query on " + roots.typical().size() + " typical roots...");
                List<Double> oldLoops = new ArrayList<>();
                for (int rep = 0; rep < oldReps; rep++) {
                    double loop = 0;
                    for (NodeRef r : roots.typical()) loop += oldRun(c, oldSql, r, oldTypical, oldResults);
                    oldLoops.add(loop);
                }
                report(roots, oldResults, oldWorst, oldTypical, median(oldLoops), (System.nanoTime() - t0) / 1e9);
            }
        }

        double oldRun(Connection c, String sql, NodeRef root, Histogram h, Map<NodeRef, OldQuery.Result> results) throws Exception {
            OldQuery.Result r = OldQuery.run(c, sql, root, Direction.DEPENDENTS, oldTimeout);
            h.recordValue(Math.max(1, Math.round(r.millis() * 1000)));
            results.put(root, r);
            return r.millis();
        }

        Histogram perRoot(Strategy s, List<NodeRef> roots, int max) {
            Histogram h = hist();
                        long warm = System.nanoTime() + 300_000_000L; // JIT warm-up
            do {
                for (NodeRef r : roots) graph.resolve(s, org, List.of(r), Direction.DEPENDENTS, max, Set.of(), false);
            } while (System.nanoTime() < warm);
            for (int rep = 0; rep < reps; rep++) {
                for (NodeRef r : roots) {
                    long t = System.nanoTime();
                    graph.resolve(s, org, List.of(r), Direction.DEPENDENTS, max, Set.of(), false);
                    h.recordValue(Math.max(1, (System.nanoTime() - t) / 1000));
                }
            }
            return h;
        }

        double batch(Strategy s, List<NodeRef> roots, int max) {
                        long warm = System.nanoTime() + 300_000_000L; // JIT warm-up
            do {
                graph.resolve(s, org, roots, Direction.DEPENDENTS, max, Set.of(), false);
            } while (System.nanoTime() < warm);
            List<Double> times = new ArrayList<>();
            for (int rep = 0; rep < Math.max(reps * 10, 30); rep++) { // median of many: one call is short next to a scheduler slice
                long t = System.nanoTime();
                graph.resolve(s, org, roots, Direction.DEPENDENTS, max, Set.of(), false);
                times.add((System.nanoTime() - t) / 1e6);
            }
            return median(times);
        }

        void report(Roots.Picked roots, Map<NodeRef, OldQuery.Result> old, Histogram oldWorst, Histogram oldTypical,
                    double oldLoop50, double seconds) {
            int unbounded = Integer.MAX_VALUE;
            List<NodeRef> all = new ArrayList<>(roots.worst());
            all.addAll(roots.typical());
            // correctness first: Herald unbounded (served path and SQL) vs the old query's distinct nodes + min distance
            int mismatches = 0;
            for (Strategy s : List.of(Strategy.AUTO, Strategy.SQL)) {
                Map<NodeRef, List<Reached>> got = graph.resolve(s, org, all, Direction.DEPENDENTS, unbounded, Set.of(), false);
                for (NodeRef r : all) {
                    Map<NodeRef, Integer> m = new HashMap<>();
                    got.get(r).forEach(x -> m.put(x.node(), x.distance()));
                    if (!m.equals(old.get(r).nodes())) {
                        mismatches++;
                        say("MISMATCH " + s + " at root " + r + ": herald " + m.size() + " nodes, old " + old.get(r).nodes().size());
                    }
                }
            }
            Histogram memWorstU = perRoot(Strategy.AUTO, roots.worst(), unbounded);
            Histogram memWorstC = perRoot(Strategy.AUTO, roots.worst(), cap);
            Histogram sqlWorstU = perRoot(Strategy.SQL, roots.worst(), unbounded);
            Histogram sqlWorstC = perRoot(Strategy.SQL, roots.worst(), cap);
            Histogram memTypU = perRoot(Strategy.AUTO, roots.typical(), unbounded);
            Histogram memTypC = perRoot(Strategy.AUTO, roots.typical(), cap);
            Histogram sqlTypU = perRoot(Strategy.SQL, roots.typical(), unbounded);
            Histogram sqlTypC = perRoot(Strategy.SQL, roots.typical(), cap);
            double memBatchU = batch(Strategy.AUTO, roots.typical(), unbounded);
            double memBatchC = batch(Strategy.AUTO, roots.typical(), cap);
            double sqlBatchU = batch(Strategy.SQL, roots.typical(), unbounded);
            double sqlBatchC = batch(Strategy.SQL, roots.typical(), cap);

            long worstRows = 0;
            long worstNodes = 0;
            for (NodeRef r : roots.worst()) {
                worstRows = Math.max(worstRows, old.get(r).rows());
                worstNodes = Math.max(worstNodes, old.get(r).nodes().size());
            }
            double oldWorstP50 = BenchReport.pctMs(oldWorst, 50);
            double heraldWorstP50 = BenchReport.pctMs(memWorstU, 50);
            BenchReport rep = new BenchReport("graph");
            String capCol = "cap " + cap;
            rep.header("measure", "old query (unbounded)", "herald unbounded", "herald " + capCol, "herald SQL unbounded", "herald SQL " + capCol);
            rep.row("worst " + roots.worst().size() + " roots, p50 per root ms", ms(oldWorstP50), ms(heraldWorstP50),
                    ms(BenchReport.pctMs(memWorstC, 50)), ms(BenchReport.pctMs(sqlWorstU, 50)), ms(BenchReport.pctMs(sqlWorstC, 50)));
            rep.row("worst roots, max per root ms", ms(oldWorst.getMaxValue() / 1000.0), ms(memWorstU.getMaxValue() / 1000.0),
                    ms(memWorstC.getMaxValue() / 1000.0), ms(sqlWorstU.getMaxValue() / 1000.0), ms(sqlWorstC.getMaxValue() / 1000.0));
            rep.row("typical " + roots.typical().size() + " roots, p50 per root ms", ms(BenchReport.pctMs(oldTypical, 50)),
                    ms(BenchReport.pctMs(memTypU, 50)), ms(BenchReport.pctMs(memTypC, 50)), ms(BenchReport.pctMs(sqlTypU, 50)),
                    ms(BenchReport.pctMs(sqlTypC, 50)));
            rep.row("typical roots: old loop vs herald one batch, ms", ms(oldLoop50), ms(memBatchU), ms(memBatchC), ms(sqlBatchU), ms(sqlBatchC));
            rep.row("worst root: old rows vs reachable nodes", Long.toString(worstRows), Long.toString(worstNodes), "", "", "");
            long typRows = 0;
            long typNodes = 0;
            long typMaxNodes = 0;
            for (NodeRef r : roots.typical()) {
                typRows += old.get(r).rows();
                typNodes += old.get(r).nodes().size();
                typMaxNodes = Math.max(typMaxNodes, old.get(r).nodes().size());
            }
            rep.row("typical roots: old rows vs nodes (sum; max nodes)", Long.toString(typRows), typNodes + "; " + typMaxNodes, "", "", "");
            var j = rep.json();
            j.put("profile", profile);
            j.put("seed", seed);
            j.put("organization_id", org.toString());
            j.put("live_edges", roots.liveEdges());
            j.put("roots_typical", roots.typical().size());
            j.put("roots_worst", roots.worst().size());
            j.put("default_max_distance", cap);
            j.put("old_worst_p50_ms", oldWorstP50);
            j.put("old_worst_max_ms", oldWorst.getMaxValue() / 1000.0);
            j.put("old_typical_p50_ms", BenchReport.pctMs(oldTypical, 50));
            j.put("old_loop50_ms", oldLoop50);
            j.put("old_worst_max_rows", worstRows);
            j.put("worst_max_nodes", worstNodes);
            j.put("herald_worst_p50_ms", heraldWorstP50);
            j.put("herald_worst_p50_capped_ms", BenchReport.pctMs(memWorstC, 50));
            j.put("herald_typical_p50_ms", BenchReport.pctMs(memTypU, 50));
            j.put("herald_batch50_ms", memBatchU);
            j.put("herald_batch50_capped_ms", memBatchC);
            j.put("herald_sql_worst_p50_ms", BenchReport.pctMs(sqlWorstU, 50));
            j.put("herald_sql_worst_p50_capped_ms", BenchReport.pctMs(sqlWorstC, 50));
            j.put("herald_sql_batch50_ms", sqlBatchU);
            j.put("herald_sql_batch50_capped_ms", sqlBatchC);
            j.put("worst_speedup", oldWorstP50 / heraldWorstP50);
            j.put("batch_speedup", oldLoop50 / memBatchU);
            j.put("sql_worst_speedup", oldWorstP50 / BenchReport.pctMs(sqlWorstU, 50));
            j.put("sql_batch_speedup", oldLoop50 / sqlBatchU);
            j.put("results_match", mismatches == 0);
            j.put("seconds", seconds);
            rep.finish();
            System.out.printf(Locale.ROOT, "worst_speedup %.0fx, batch_speedup %.0fx, results_match %s%n",
                    oldWorstP50 / heraldWorstP50, oldLoop50 / memBatchU, mismatches == 0);
        }
    }

    static Histogram hist() {
        return new Histogram(3_600_000_000L, 3);
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(Double::compare);
        return s.isEmpty() ? 0 : s.get(s.size() / 2);
    }
}
