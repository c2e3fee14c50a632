package dev.herald.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The lock-free limiter under 32 threads on one key. */
class LocalRateLimiterConcurrencyTest {
    private static int hammer(LocalRateLimiter l, RateLimit limit, int threads, int checksEach) throws InterruptedException {
        AtomicInteger admitted = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int c = 0; c < checksEach; c++) {
                    if (l.check("hot", limit).allowed()) admitted.incrementAndGet();
                }
            }));
        }
        go.countDown();
        for (Thread t : ts) t.join();
        return admitted.get();
    }

    @Test
    void frozenTimeAdmitsExactlyTheBurst() throws InterruptedException {
        ManualClock clock = new ManualClock();
        LocalRateLimiter l = new LocalRateLimiter(clock, 1000, Duration.ofHours(1));
        RateLimit limit = new RateLimit(100, Duration.ofSeconds(1), 40);
        assertThat(hammer(l, limit, 32, 2000)).isEqualTo(40);
        clock.advance(Duration.ofMillis(100)); // ten emission intervals
        assertThat(hammer(l, limit, 32, 2000)).isEqualTo(10);
    }

    @Test
    void movingTimeNeverAdmitsMoreThanRatePlusBurst() throws InterruptedException {
        // Every clock read moves time by 1 µs: 32 threads x 3000 checks read it at least 96,000 times, under 1 s of
        // simulated time (well, at most ~2 reads per check), so at most rate + burst may pass.
        ManualClock clock = new ManualClock(1_000);
        LocalRateLimiter l = new LocalRateLimiter(clock, 1000, Duration.ofHours(1));
        RateLimit limit = new RateLimit(1000, Duration.ofSeconds(1), 50);
        long start = clock.nanoTime();
        int admitted = hammer(l, limit, 32, 3000);
        long span = clock.nanoTime() - start;
        long bound = limit.burst() + span / limit.emissionIntervalNanos() + 1;
        assertThat(admitted).isLessThanOrEqualTo((int) bound).isGreaterThanOrEqualTo((int) limit.burst());
        if (span < limit.period().toNanos()) {
            assertThat(admitted).isLessThanOrEqualTo((int) (limit.rate() + limit.burst()));
        }
    }
}
