package dev.herald.bench.ratelimit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every admitted check of one phase, as (key, sent, answered) in nanoseconds, to prove afterwards that no key was
 * admitted more than {@code rate + burst} times in any window of one period. The decision happened somewhere between
 * sending and answering, so a window starting at a check's send time surely holds every later-sent check answered
 * before it ends: more of those than the limit is a certain violation (no false alarms from client-side jitter).
 * One instance per client thread; merged after the phase.
 */
final class Admissions {
    private final List<String> keys = new ArrayList<>();
    private long[] sent = new long[1024];
    private long[] answered = new long[1024];

    void add(String key, long sentNanos, long answeredNanos) {
        int n = keys.size();
        if (n == sent.length) {
            sent = Arrays.copyOf(sent, n * 2);
            answered = Arrays.copyOf(answered, n * 2);
        }
        keys.add(key);
        sent[n] = sentNanos;
        answered[n] = answeredNanos;
    }

    int size() { return keys.size(); }

    /** The largest number of admissions surely inside one window of {@code periodNanos}, over every key. */
    static int worstWindow(List<Admissions> all, long periodNanos) {
        Map<String, List<long[]>> byKey = new HashMap<>();
        for (Admissions a : all) {
            for (int i = 0; i < a.keys.size(); i++) {
                byKey.computeIfAbsent(a.keys.get(i), k -> new ArrayList<>()).add(new long[] {a.sent[i], a.answered[i]});
            }
        }
        int worst = 0;
        for (List<long[]> checks : byKey.values()) {
            checks.sort((x, y) -> Long.compare(x[0], y[0]));
            for (int i = 0; i < checks.size(); i++) {
                long end = checks.get(i)[0] + periodNanos;
                int inside = 0;
                for (int j = i; j < checks.size() && checks.get(j)[0] < end; j++) {
                    if (checks.get(j)[1] < end) inside++;
                }
                worst = Math.max(worst, inside);
            }
        }
        return worst;
    }
}
