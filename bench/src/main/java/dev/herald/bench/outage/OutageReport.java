package dev.herald.bench.outage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.bench.BenchReport;
import dev.herald.workload.Profile;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The outage drill's table and {@code bench-results/outage.json}: per round and the median, min and max of each ratio. */
final class OutageReport {
    private final Profile profile;
    private final int incidents;
    private final int outageS;
    private final int consumers;
    private final Map<String, String> settings;

    OutageReport(Profile profile, int incidents, int outageS, int consumers, Map<String, String> settings) {
        this.profile = profile;
        this.incidents = incidents;
        this.outageS = outageS;
        this.consumers = consumers;
        this.settings = settings;
    }

    void write(List<OutageBench.Round> healthy, List<OutageBench.Round> faulty, OutageFixture f) {
        BenchReport r = new BenchReport("outage");
        r.header("round", "messages", "lost", "healthy p50 alone (ms)", "healthy p99 alone (ms)", "healthy p50 with faults (ms)",
                "healthy p99 with faults (ms)", "p99 ratio", "recovered all within (s)");
        List<Double> ratios = new ArrayList<>();
        long lost = 0;
        int messages = 0;
        for (int i = 0; i < faulty.size(); i++) {
            OutageBench.Round h = healthy.get(i);
            OutageBench.Round x = faulty.get(i);
            double ratio = x.healthyP99Ms() / Math.max(0.001, h.healthyP99Ms());
            ratios.add(ratio);
            lost += h.lost() + x.lost();
            messages += h.messages() + x.messages();
            r.row(Integer.toString(i + 1), Integer.toString(h.messages() + x.messages()), Long.toString(h.lost() + x.lost()),
                    BenchReport.ms(h.healthyP50Ms()), BenchReport.ms(h.healthyP99Ms()), BenchReport.ms(x.healthyP50Ms()),
                    BenchReport.ms(x.healthyP99Ms()), String.format(Locale.ROOT, "%.2f", ratio),
                    String.format(Locale.ROOT, "%.1f", x.recoveredWithinS()));
        }
        ObjectNode j = r.json();
        j.put("profile", profile.name().toLowerCase(Locale.ROOT));
        j.put("incidents_per_burst", incidents);
        j.put("contacts", OutageFixture.CONTACTS);
        j.put("contacts_down", OutageFixture.DOWN);
        j.put("contacts_hanging", OutageFixture.HANGING);
        j.put("outage_s", outageS);
        j.put("consumers", consumers);
        j.put("rounds", faulty.size());
        j.put("messages", messages);
        j.put("lost", lost);
        j.put("duplicates", f.duplicates());
        j.put("invalid_signatures", f.invalidSignatures());
        j.put("healthy_p99_ratio", round(median(ratios)));
        j.put("healthy_p99_ratio_min", round(Collections.min(ratios)));
        j.put("healthy_p99_ratio_max", round(Collections.max(ratios)));
        j.put("healthy_p99_ms_alone", round(median(values(healthy, OutageBench.Round::healthyP99Ms))));
        j.put("healthy_p99_ms_with_faults", round(median(values(faulty, OutageBench.Round::healthyP99Ms))));
        j.put("healthy_p50_ms_alone", round(median(values(healthy, OutageBench.Round::healthyP50Ms))));
        j.put("healthy_p50_ms_with_faults", round(median(values(faulty, OutageBench.Round::healthyP50Ms))));
        j.put("recovered_all_within_s", round(Collections.max(values(faulty, OutageBench.Round::recoveredWithinS))));
        j.put("load_average_at_end", round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        ObjectNode s = j.putObject("settings");
        settings.forEach(s::put);
        r.finish();
    }

    private static List<Double> values(List<OutageBench.Round> rounds, ToDoubleFunction<OutageBench.Round> f) {
        List<Double> out = new ArrayList<>();
        for (OutageBench.Round x : rounds) out.add(f.applyAsDouble(x));
        return out;
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
