package dev.herald.bench;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * A benchmark's output: a printed table (rows of label + columns) and {@code bench-results/<name>.json}.
 * Figures are compared side by side within one run; never asserted as absolute times.
 */
public final class BenchReport {
    private final String name;
    private final ObjectNode json = Json.mapper().createObjectNode();
    private final List<String[]> rows = new ArrayList<>();
    private String[] header;

    public BenchReport(String name) {
        this.name = name;
        json.put("benchmark", name);
        json.put("java", System.getProperty("java.version"));
        json.put("cores", Runtime.getRuntime().availableProcessors());
    }

    /** The JSON document written at the end; put the required figures here. */
    public ObjectNode json() {
        return json;
    }

    public BenchReport header(String... columns) {
        this.header = columns;
        return this;
    }

    public BenchReport row(String... cells) {
        rows.add(cells);
        return this;
    }

    /** Milliseconds with two decimals. */
    public static String ms(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** A value from an HdrHistogram recorded in microseconds, as milliseconds. */
    public static double pctMs(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }

    /**
     * Where results go: {@code bench-results/}, or the directory in system property {@code herald.bench.results}
     * (the gate points its short runs elsewhere so they never overwrite the full runs' figures).
     */
    public static Path resultsDir() {
        return Path.of(System.getProperty("herald.bench.results", "bench-results"));
    }

    /**
     * Prints the table and writes {@code bench-results/<name>.json} with the machine's load at the JVM's start and now
     * ({@code load}, see {@link LoadSample#between}); returns the file.
     */
    public Path finish() {
        printTable();
        json.set("load", LoadSample.between(LoadSample.START, LoadSample.now()));
        try {
            Path dir = resultsDir();
            Files.createDirectories(dir);
            Path file = dir.resolve(name + ".json");
            Files.writeString(file, Json.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json) + "\n");
            System.out.println("wrote " + file.toAbsolutePath());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Prints only the table (for a report's secondary tables); {@link #finish} prints it and writes the JSON. */
    public void printTable() {
        if (header != null) {
            int[] w = new int[header.length];
            for (int i = 0; i < header.length; i++) w[i] = header[i].length();
            for (String[] r : rows) for (int i = 0; i < r.length && i < w.length; i++) w[i] = Math.max(w[i], r[i].length());
            StringBuilder sb = new StringBuilder();
            appendRow(sb, header, w);
            StringBuilder sep = new StringBuilder("|");
            for (int x : w) sep.append("-".repeat(x + 2)).append('|');
            sb.append(sep).append('\n');
            for (String[] r : rows) appendRow(sb, r, w);
            System.out.print(sb);
        }
    }

    private static void appendRow(StringBuilder sb, String[] cells, int[] w) {
        sb.append('|');
        for (int i = 0; i < w.length; i++) {
            String c = i < cells.length ? cells[i] : "";
            sb.append(' ').append(c).append(" ".repeat(w[i] - c.length() + 1)).append('|');
        }
        sb.append('\n');
    }
}
