package dev.herald.bench.gate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./herald bench gate}: the performance gate. Runs the short ({@code --quick}) version of every benchmark named in
 * {@code bench/gate-thresholds.properties}, each in its own JVM on a fresh data directory, then checks each ratio
 * against its baseline (and every lost/duplicate count) against the thresholds kept there. Ratios only, never absolute
 * times. Exits 1 when a check fails or a benchmark does not finish.
 */
@Command(name = "gate", mixinStandardHelpOptions = true,
        description = "Run every benchmark's --quick version and fail when a ratio falls below its threshold or anything is lost or duplicated.")
public final class GateCommand implements Callable<Integer> {
    /** The short runs' results, apart from the full runs' figures in bench-results/. */
    static final Path GATE_RESULTS = Path.of("bench-results", "gate");

    @Option(names = "--thresholds", defaultValue = "bench/gate-thresholds.properties", description = "Thresholds file. Default: ${DEFAULT-VALUE}")
    Path thresholds;

    @Option(names = "--only", split = ",", description = "Run only these benchmarks (comma-separated)")
    Set<String> only;

    @Option(names = "--no-run", description = "Check the existing bench-results/gate/*.json without running the benchmarks")
    boolean noRun;

    @Option(names = "--timeout-s", defaultValue = "240", description = "Longest one benchmark may run. Default: ${DEFAULT-VALUE}")
    long timeoutS;

    @Override
    public Integer call() throws Exception {
        Map<String, List<GateCheck>> checks = load(thresholds);
        Set<String> benches = new LinkedHashSet<>(checks.keySet());
        if (only != null) benches.retainAll(only);
        if (benches.isEmpty()) throw new IllegalArgumentException("no benchmark to run (thresholds " + thresholds + ", --only " + only + ")");
        List<String[]> rows = new ArrayList<>();
        boolean ok = true;
        for (String bench : benches) {
            String failure = noRun ? null : runQuick(bench);
            Path file = GATE_RESULTS.resolve(bench + ".json");
            JsonNode json = failure == null && Files.exists(file) ? Json.mapper().readTree(file.toFile()) : null;
            for (GateCheck c : checks.get(bench)) {
                double v = json == null ? Double.NaN : c.measure(json);
                boolean pass = json != null && c.passes(v);
                ok &= pass;
                rows.add(new String[] {bench, c.name(), c.expression(), failure != null ? failure : GateCheck.fmt(v), pass ? "ok" : "FAIL"});
            }
        }
        print(rows);
        System.out.println(ok ? "gate: all checks passed" : "gate: FAILED");
        return ok ? 0 : 1;
    }

    static Map<String, List<GateCheck>> load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        Map<String, List<GateCheck>> out = new LinkedHashMap<>();
        // Properties forgets the order; keep the file's order so the report reads like the file.
        for (String line : Files.readAllLines(file)) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || !t.contains("=")) continue;
            String key = t.substring(0, t.indexOf('=')).strip();
            if (!p.containsKey(key)) continue;
            GateCheck c = GateCheck.parse(key, p.getProperty(key));
            out.computeIfAbsent(c.bench(), k -> new ArrayList<>()).add(c);
        }
        return out;
    }

    /** Runs {@code <bench> --quick} in a child JVM on a fresh data directory; null when it exited 0, else why not. */
    private String runQuick(String bench) throws IOException, InterruptedException {
        Path dataDir = Files.createTempDirectory("herald-gate-" + bench + "-");
        Path jar = Path.of("bench/target/herald-bench.jar");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = List.of(java, "-Xss1m", "-Dherald.bench.results=" + GATE_RESULTS, "-jar", jar.toString(), bench, "--quick");
        System.out.println("gate: " + bench + " --quick ...");
        long start = System.nanoTime();
        Path log = Path.of("bench-results", "gate-" + bench + ".log");
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("HERALD_DATA_DIR", dataDir.toString()); // a fresh embedded database for benches that use one
        Process proc = pb.start();
        try {
            if (!proc.waitFor(timeoutS, TimeUnit.SECONDS)) {
                proc.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return "timed out after " + timeoutS + " s (see " + log + ")";
            }
            System.out.printf("gate: %s done in %.0f s (log %s)%n", bench, (System.nanoTime() - start) / 1e9, log);
            return proc.exitValue() == 0 ? null : "exit " + proc.exitValue() + " (see " + log + ")";
        } finally {
            deleteTree(dataDir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void print(List<String[]> rows) {
        var r = new dev.herald.bench.BenchReport("gate");
        r.header("bench", "check", "threshold", "measured", "result");
        rows.forEach(r::row);
        r.printTable();
    }
}
