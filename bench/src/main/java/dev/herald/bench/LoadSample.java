package dev.herald.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * How busy the machine was at one moment: the load averages of {@code /proc/loadavg} and the cumulative jiffies of
 * {@code /proc/stat}'s {@code cpu} line (all, idle + iowait, steal). Two samples give the machine's busy and steal
 * percentages between them. A benchmark's JSON carries the sample taken when its JVM started and the one taken when it
 * wrote its results ({@link BenchReport#finish}), so a figure measured on a shared 2-core machine says how shared it
 * was. Off Linux every figure is -1. Immutable.
 */
public record LoadSample(Instant at, double load1, double load5, double load15, long totalJiffies, long idleJiffies,
                         long stealJiffies) {
    /** Taken when the benchmark's JVM first touched this class (BenchMain does so before anything else). */
    public static final LoadSample START = now();

    public static LoadSample now() {
        double[] load = {-1, -1, -1};
        long total = -1, idle = -1, steal = -1;
        try {
            String[] l = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            for (int i = 0; i < 3; i++) load[i] = Double.parseDouble(l[i]);
            String cpu = Files.readAllLines(Path.of("/proc/stat")).getFirst();
            String[] f = cpu.trim().split("\\s+"); // cpu user nice system idle iowait irq softirq steal guest guest_nice
            total = 0;
            for (int i = 1; i <= 8 && i < f.length; i++) total += Long.parseLong(f[i]); // guest time is inside user already
            idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
        } catch (IOException | RuntimeException e) {
            // not Linux (or an unreadable /proc): the figures stay -1
        }
        return new LoadSample(Instant.now(), load[0], load[1], load[2], total, idle, steal);
    }

    /** This sample as JSON: time and load averages. */
    public ObjectNode json() {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("at", at.toString());
        o.put("load1", load1);
        o.put("load5", load5);
        o.put("load15", load15);
        return o;
    }

    /**
     * {@code {"start": {...}, "end": {...}, "busy_pct": ..., "steal_pct": ...}}: the two samples and, between them, the
     * share of the machine's CPU time (all cores) that was busy and that the hypervisor stole (-1 off Linux).
     */
    public static ObjectNode between(LoadSample start, LoadSample end) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.set("start", start.json());
        o.set("end", end.json());
        long dt = end.totalJiffies - start.totalJiffies;
        boolean ok = start.totalJiffies >= 0 && end.totalJiffies >= 0 && dt > 0;
        o.put("busy_pct", ok ? round1(100.0 * (dt - (end.idleJiffies - start.idleJiffies)) / dt) : -1);
        o.put("steal_pct", ok ? round1(100.0 * (end.stealJiffies - start.stealJiffies) / dt) : -1);
        o.put("steal_start_jiffies", start.stealJiffies);
        o.put("steal_end_jiffies", end.stealJiffies);
        return o;
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
