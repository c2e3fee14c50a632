package dev.herald.bench.repeat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.bench.BenchReport;
import dev.herald.json.Json;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code ./herald bench NAME --repeat N}: one mechanism for every benchmark. Runs {@code NAME} (with the other
 * arguments) N times, one after the other, each in its own JVM (same JVM options and class path as this one, so no
 * run inherits another's JIT, caches or heap) writing to its own directory; then merges each result file the runs
 * wrote with {@link MedianMerge} into {@code bench-results/} (median per figure, min and max beside it, each run's
 * load). Fails when a run fails: a median of the runs that happened to finish would not be one.
 */
public final class Repeat {
    private Repeat() {}

    /** When {@code args} hold {@code --repeat N} (or {@code --repeat=N}), N, else 0; throws on a malformed N. */
    public static int count(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String v = args[i].equals("--repeat") ? (i + 1 < args.length ? args[i + 1] : "") : args[i].startsWith("--repeat=") ? args[i].substring(9) : null;
            if (v == null) continue;
            try {
                int n = Integer.parseInt(v);
                if (n >= 1 && n <= 50) return n;
            } catch (NumberFormatException e) {
                // falls through
            }
            throw new IllegalArgumentException("--repeat needs a number of runs from 1 to 50, got '" + v + "'");
        }
        return 0;
    }

    /** {@code args} without {@code --repeat N}. */
    static List<String> without(String[] args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--repeat")) i++;
            else if (!args[i].startsWith("--repeat=")) out.add(args[i]);
        }
        return out;
    }

    /** Runs the benchmark {@code n} times and writes the merged results; the exit code (0 when every run succeeded). */
    public static int run(int n, String[] args) throws IOException, InterruptedException {
        List<String> rest = without(args);
        if (rest.isEmpty() || rest.getFirst().startsWith("-")) throw new IllegalArgumentException("--repeat needs a benchmark name first");
        if (rest.getFirst().equals("gate")) throw new IllegalArgumentException("--repeat applies to a benchmark, not to the gate");
        Path out = BenchReport.resultsDir();
        Path work = Files.createTempDirectory("herald-repeat-");
        String java = ProcessHandle.current().info().command().orElse("java");
        Map<String, List<JsonNode>> byFile = new LinkedHashMap<>();
        for (int run = 1; run <= n; run++) {
            Path dir = work.resolve("run-" + run);
            List<String> cmd = new ArrayList<>();
            cmd.add(java);
            for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (!a.startsWith("-Dherald.bench.results=")) cmd.add(a);
            }
            cmd.add("-Dherald.bench.results=" + dir);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.herald.bench.BenchMain"));
            cmd.addAll(rest);
            System.err.printf(Locale.ROOT, "repeat: run %d of %d: %s%n", run, n, String.join(" ", rest));
            int exit = new ProcessBuilder(cmd).inheritIO().start().waitFor();
            if (exit != 0) {
                System.err.printf("repeat: run %d exited %d; nothing merged (the runs so far are under %s)%n", run, exit, work);
                return exit;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                    byFile.computeIfAbsent(f.getFileName().toString(), k -> new ArrayList<>()).add(Json.mapper().readTree(f.toFile()));
                }
            }
        }
        Files.createDirectories(out);
        for (Map.Entry<String, List<JsonNode>> e : byFile.entrySet()) {
            if (e.getValue().size() != n) {
                System.err.printf("repeat: %s was written by %d of %d runs; skipped%n", e.getKey(), e.getValue().size(), n);
                continue;
            }
            ObjectNode merged = MedianMerge.merge(e.getValue());
            Path file = out.resolve(e.getKey());
            Files.writeString(file, Json.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(merged) + "\n");
            print(e.getKey(), merged);
            System.out.println("wrote " + file.toAbsolutePath() + " (median of " + n + " runs)");
        }
        try (Stream<Path> walk = Files.walk(work)) { // the runs' own files: merged now
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        return 0;
    }

    private static void print(String file, ObjectNode merged) {
        BenchReport t = new BenchReport("unused");
        t.header(file + ": figure", "median", "min", "max");
        for (var it = merged.path("repeat").path("spread").fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().startsWith("steps.") || e.getValue().path("min").asDouble() == e.getValue().path("max").asDouble()) continue;
            JsonNode median = at(merged, e.getKey());
            t.row(e.getKey(), fmt(median.asDouble()), fmt(e.getValue().path("min").asDouble()), fmt(e.getValue().path("max").asDouble()));
        }
        t.printTable();
    }

    /** The node at a path written by MedianMerge ({@code a.b[2].c}). */
    static JsonNode at(JsonNode root, String path) {
        JsonNode n = root;
        for (String part : path.split("\\.")) {
            int bracket = part.indexOf('[');
            n = n.path(bracket < 0 ? part : part.substring(0, bracket));
            while (bracket >= 0) {
                int close = part.indexOf(']', bracket);
                n = n.path(Integer.parseInt(part.substring(bracket + 1, close)));
                bracket = part.indexOf('[', close);
            }
        }
        return n;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format(Locale.ROOT, "%,d", (long) v) : String.format(Locale.ROOT, "%.3f", v);
    }
}
