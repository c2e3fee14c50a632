package dev.herald.bench.burst;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * CPU spent during a phase: this JVM's (process CPU time), the part of it its JIT compiler threads spent (their
 * user + system time from /proc, not the compilers' elapsed time, which on a saturated machine includes waiting for
 * a core), PostgreSQL's and Redis's (their processes' user + system time from /proc) and the whole machine's (busy
 * jiffies of /proc/stat: the database, Redis and worker processes included). On
 * a shared, noisy machine CPU per message moves far less from run to run than wall time, so it is the figure to
 * compare when removing work. Not thread-safe.
 */
final class CpuMeter {
    private static final double MS_PER_TICK = 10.0; // USER_HZ = 100

    /** CPU milliseconds of this JVM, of its JIT compiler threads, of the machine, of PostgreSQL and of Redis over a phase. */
    record Spent(double jvmMs, double jitMs, double machineMs, double postgresMs, double redisMs) {}

    private final long postmaster;
    private final long redisParent;
    private final long postgresStart;
    private final long redisStart;
    private final long jvmStart = jvmNanos();
    private final long jitStart = jitTicks();
    private final long machineStart = machineBusyJiffies();

    /** Counts every PostgreSQL and Redis process on the machine (other sessions' too, on a shared machine). */
    CpuMeter() {
        this(-1, -1);
    }

    /**
     * Counts only the PostgreSQL server whose postmaster is {@code postmasterPid} (it and its backends) and only the
     * Redis servers whose parent is {@code redisParentPid}; -1 = every one on the machine.
     */
    CpuMeter(long postmasterPid, long redisParentPid) {
        this.postmaster = postmasterPid;
        this.redisParent = redisParentPid;
        this.postgresStart = commandTicks("postgres", postmaster);
        this.redisStart = commandTicks("redis-server", redisParent);
    }

    Spent stop() {
        double jvm = (jvmNanos() - jvmStart) / 1e6;
        return new Spent(jvm, msSince(jitStart, jitTicks()), msSince(machineStart, machineBusyJiffies()),
                msSince(postgresStart, commandTicks("postgres", postmaster)), msSince(redisStart, commandTicks("redis-server", redisParent)));
    }

    /** The parent process id of {@code pid} (for a PostgreSQL backend: its postmaster), or -1. */
    static long parentOf(long pid) {
        return ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L);
    }

    /** Milliseconds between two tick readings, or NaN when either could not be read (-1). */
    private static double msSince(long start, long now) {
        return start < 0 || now < 0 ? Double.NaN : (now - start) * MS_PER_TICK;
    }

    /**
     * utime + stime ticks of every process whose command is {@code comm} (all of PostgreSQL's backends, say), or -1 off
     * Linux. A process that ended during the phase takes its ticks with it, so this can under-count, never over-count.
     */
    private static long commandTicks(String comm, long parentOrSelf) {
        return ticksIn(Path.of("/proc"), comm::equals, parentOrSelf);
    }

    /**
     * utime + stime ticks of this JVM's compiler threads ("C1 CompilerThre", "C2 CompilerThre"), or -1 off Linux. A
     * compiler thread that ended during the phase takes its ticks with it (HotSpot adds and removes them on demand),
     * so this can under-count, never over-count.
     */
    private static long jitTicks() {
        return ticksIn(Path.of("/proc/self/task"), name -> name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler"), -1);
    }

    /** The summed utime + stime ticks of the processes (or threads) under {@code dir} whose command name matches; -1 off Linux. */
    private static long ticksIn(Path dir, Predicate<String> name, long parentOrSelf) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .mapToLong(p -> ticksOf(p, name, parentOrSelf)).sum();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long ticksOf(Path entry, Predicate<String> name, long parentOrSelf) {
        try {
            String stat = Files.readString(entry.resolve("stat"));
            int open = stat.indexOf('('), close = stat.lastIndexOf(')');
            if (!name.test(stat.substring(open + 1, close))) return 0;
            String[] f = stat.substring(close + 2).split(" "); // from field 3 (state); f[1] is the parent's pid
            if (parentOrSelf > 0 && Long.parseLong(f[1]) != parentOrSelf
                    && !entry.getFileName().toString().equals(Long.toString(parentOrSelf))) return 0;
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of stat: utime, stime
        } catch (IOException | RuntimeException e) {
            return 0; // it ended meanwhile
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
