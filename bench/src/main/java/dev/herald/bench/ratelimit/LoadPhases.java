package dev.herald.bench.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The two load shapes: closed loop (clients check as fast as they can, for throughput) and open loop (checks at a fixed
 * offered rate, each latency measured from its SCHEDULED start so that time spent queued behind slow checks counts).
 * Clients are platform threads sharing the limiter (and so its one Redis connection).
 */
final class LoadPhases {
    /** Which key a check uses. */
    enum Keys {
        HOT, SPREAD;

        String pick(int spreadKeys) {
            return this == HOT ? "hot" : "k" + ThreadLocalRandom.current().nextInt(spreadKeys);
        }
    }

    record Throughput(long checks, double opsPerSecond, List<Admissions> admissions) {}

    /**
     * @param histogram   latency in microseconds from each check's scheduled start
     * @param unfinished  checks not answered by the hard stop (recorded at their lower bound: hard stop minus schedule)
     */
    record Latency(Histogram histogram, long checks, long unfinished, List<Admissions> admissions) {}

    private LoadPhases() {}

    static Throughput throughput(BenchLimiter limiter, Keys keys, int spreadKeys, int clients, Duration duration, AtomicBoolean stop) {
        stop.set(false);
        LongAdder checks = new LongAdder();
        List<Admissions> admissions = new ArrayList<>();
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        long[] window = new long[2];
        for (int c = 0; c < clients; c++) {
            Admissions mine = new Admissions();
            admissions.add(mine);
            threads.add(Thread.ofPlatform().name("bench-client-" + c).start(() -> {
                ready.countDown();
                await(go);
                while (!stop.get()) {
                    String key = keys.pick(spreadKeys);
                    long sent = System.nanoTime();
                    try {
                        if (limiter.tryAcquire(key)) mine.add(key, sent, System.nanoTime());
                    } catch (BenchLimiter.Abandoned e) {
                        break;
                    }
                    checks.increment();
                }
            }));
        }
        await(ready);
        window[0] = System.nanoTime();
        go.countDown();
        LockSupport.parkNanos(duration.toNanos());
        stop.set(true);
        long counted = checks.sum();
        window[1] = System.nanoTime();
        join(threads);
        return new Throughput(counted, counted / ((window[1] - window[0]) / 1e9), admissions);
    }

    static Latency openLoop(BenchLimiter limiter, Keys keys, int spreadKeys, int clients, int offeredPerSecond, Duration duration,
                            Duration grace, AtomicBoolean stop) {
        stop.set(false);
        long intervalNanos = (long) (clients * 1e9 / offeredPerSecond); // each client's spacing
        List<Histogram> histograms = new ArrayList<>();
        List<Admissions> admissions = new ArrayList<>();
        LongAdder checks = new LongAdder();
        LongAdder unfinished = new LongAdder();
        long start = System.nanoTime() + 50_000_000L;
        long end = start + duration.toNanos();
        long hardStop = end + grace.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Histogram h = new Histogram(3_600_000_000L, 3);
            Admissions mine = new Admissions();
            histograms.add(h);
            admissions.add(mine);
            long offset = intervalNanos * c / clients; // clients evenly staggered
            threads.add(Thread.ofPlatform().name("bench-open-" + c).start(() -> {
                long scheduled = start + offset;
                for (; scheduled < end; scheduled += intervalNanos) {
                    long wait = scheduled - System.nanoTime();
                    if (wait > 0) LockSupport.parkNanos(wait);
                    if (System.nanoTime() - hardStop >= 0) break;
                    String key = keys.pick(spreadKeys);
                    long sent = System.nanoTime();
                    try {
                        boolean ok = limiter.tryAcquire(key);
                        long done = System.nanoTime();
                        if (ok) mine.add(key, sent, done);
                        h.recordValue(Math.max(0, (done - scheduled) / 1000));
                        checks.increment();
                    } catch (BenchLimiter.Abandoned e) {
                        break;
                    }
                }
                // Checks that never ran (or never finished) by the hard stop waited at least until then.
                for (; scheduled < end; scheduled += intervalNanos) {
                    h.recordValue(Math.max(0, (hardStop - scheduled) / 1000));
                    unfinished.increment();
                }
            }));
        }
        long untilHardStop = hardStop - System.nanoTime();
        if (untilHardStop > 0) {
            Thread watchdog = Thread.ofPlatform().start(() -> {
                LockSupport.parkNanos(untilHardStop);
                stop.set(true);
            });
            join(threads);
            stop.set(true);
            watchdog.interrupt();
        } else {
            stop.set(true);
            join(threads);
        }
        Histogram all = new Histogram(3_600_000_000L, 3);
        histograms.forEach(all::add);
        return new Latency(all, checks.sum(), unfinished.sum(), admissions);
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(List<Thread> threads) {
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
