package dev.herald.bench.burst;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU spent during a phase: this JVM's (process CPU time), the part of it its JIT compiler threads spent (their
 * user + system time from /proc, not the compilers' elapsed time, which on a saturated machine includes waiting for
 * a core) and the whole machine's (busy jiffies of /proc/stat: the database, Redis and worker processes included). On
 * a shared, noisy machine CPU per message moves far less from run to run than wall time, so it is the figure to
 * compare when removing work. Not thread-safe.
 */
final class CpuMeter {
    private static final double MS_PER_TICK = 10.0; // USER_HZ = 100

    /** CPU milliseconds of this JVM, of its JIT compiler threads and of the machine over a phase. */
    record Spent(double jvmMs, double jitMs, double machineMs, double postgresMs, double redisMs) {}

    private final long postgresStart = commandTicks("postgres");
    private final long redisStart = commandTicks("redis-server");
    private final long jvmStart = jvmNanos();
    private final long jitStart = jitTicks();
    private final long machineStart = machineBusyJiffies();

    Spent stop() {
        double jvm = (jvmNanos() - jvmStart) / 1e6;
        long busy = machineBusyJiffies();
        double machine = busy < 0 || machineStart < 0 ? Double.NaN : (busy - machineStart) * MS_PER_TICK;
        long jit = jitTicks();
        long pg = commandTicks("postgres"), redis = commandTicks("redis-server");
        return new Spent(jvm, jit < 0 || jitStart < 0 ? Double.NaN : (jit - jitStart) * MS_PER_TICK, machine,
                pg < 0 || postgresStart < 0 ? Double.NaN : (pg - postgresStart) * MS_PER_TICK,
                redis < 0 || redisStart < 0 ? Double.NaN : (redis - redisStart) * MS_PER_TICK);
    }

    /**
     * utime + stime ticks of every process whose command is {@code comm} (all of PostgreSQL's backends, say), or -1 off
     * Linux. A process that ended during the phase takes its ticks with it, so this can under-count, never over-count.
     */
    private static long commandTicks(String comm) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .mapToLong(p -> ticksOf(p, comm)).sum();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long ticksOf(Path proc, String comm) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            int open = stat.indexOf('('), close = stat.lastIndexOf(')');
            if (!stat.substring(open + 1, close).equals(comm)) return 0;
            String[] f = stat.substring(close + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0; // the process ended meanwhile
        }
    }

    /**
     * utime + stime ticks of this JVM's compiler threads ("C1 CompilerThre", "C2 CompilerThre"), or -1 off Linux. A
     * compiler thread that ended during the phase takes its ticks with it (HotSpot adds and removes them on demand),
     * so this can under-count, never over-count.
     */
    private static long jitTicks() {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.mapToLong(CpuMeter::compilerTicks).sum();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long compilerTicks(Path task) {
        try {
            String stat = Files.readString(task.resolve("stat"));
            int open = stat.indexOf('('), close = stat.lastIndexOf(')');
            String name = stat.substring(open + 1, close);
            if (!name.startsWith("C1 Compiler") && !name.startsWith("C2 Compiler")) return 0;
            String[] f = stat.substring(close + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of stat: utime, stime
        } catch (IOException | RuntimeException e) {
            return 0; // the thread ended meanwhile
        }
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
