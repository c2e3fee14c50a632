package dev.herald.bench.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The bench's correctness check against the obvious count, and its refusal to blame client-side jitter. */
class AdmissionsTest {
    private static final long P = 1_000_000_000L;

    @Test
    void exactTimesGiveTheObviousWorstWindow() {
        Random r = new Random(3);
        Admissions a = new Admissions();
        List<Long> times = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < 3000; i++) {
            t += r.nextInt(2_000_000);
            times.add(t);
            a.add(i % 2 == 0 ? "x" : "y", t, t); // sent == answered: decisions known exactly
        }
        int expected = 0;
        for (String key : List.of("x", "y")) {
            List<Long> mine = new ArrayList<>();
            for (int i = 0; i < times.size(); i++) if ((i % 2 == 0) == key.equals("x")) mine.add(times.get(i));
            for (long start : mine) {
                int n = 0;
                for (long u : mine) if (u >= start && u < start + P) n++;
                expected = Math.max(expected, n);
            }
        }
        assertThat(Admissions.worstWindow(List.of(a), P)).isEqualTo(expected).isPositive();
    }

    @Test
    void checksWhoseDecisionMayLieOutsideTheWindowAreNotCounted() {
        Admissions a = new Admissions();
        a.add("k", 0, 10);
        a.add("k", 5, P + 5); // answered after the window that starts at 0 ends: it may have been decided after it
        a.add("k", 7, 20);
        assertThat(Admissions.worstWindow(List.of(a), P)).isEqualTo(2);
    }
}
