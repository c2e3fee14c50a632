package dev.herald.bench.burst;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU spent during a phase: this JVM's (process CPU time) and the whole machine's (busy jiffies of /proc/stat: the
 * database, Redis and worker processes included). On a shared, noisy machine CPU per message moves far less from run
 * to run than wall time, so it is the figure to compare when removing work. Not thread-safe.
 */
final class CpuMeter {
    /** CPU milliseconds of this JVM and of the machine over a phase. */
    record Spent(double jvmMs, double jitMs, double machineMs) {}

    private final long jvmStart = jvmNanos();
    private final long jitStart = jitMillis();
    private final long machineStart = machineBusyJiffies();

    Spent stop() {
        double jvm = (jvmNanos() - jvmStart) / 1e6;
        long busy = machineBusyJiffies();
        double machine = busy < 0 || machineStart < 0 ? Double.NaN : (busy - machineStart) * 10.0; // USER_HZ = 100
        return new Spent(jvm, jitMillis() - jitStart, machine);
    }

    private static long jitMillis() {
        var jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    private static long jvmNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    /** user + nice + system + irq + softirq + steal jiffies of all CPUs, or -1 off Linux. */
    private static long machineBusyJiffies() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = cpu.trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) busy += Long.parseLong(f[i]);
            return busy;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
