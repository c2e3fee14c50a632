package dev.herald.bench.fanout;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.Herald;
import dev.herald.bench.BenchReport;
import dev.herald.cli.DbOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./herald bench fanout}: what a change costs to fan out as an organization's contacts grow (1, 100, 5,000),
 * with domain filters (a mix of types, kinds, severity and regions), with no filter at all, and with filters no
 * change matches (the cost of evaluating the filter alone), side by side in one run. Each change is one incident INSERT in its own transaction (its triggers: the current-incidents
 * view and the fan-out, one statement for all contacts), timed from the client. An organization without contacts is
 * the floor (the write and the view without any fan-out). Writes {@code bench-results/fanout.json}.
 */
@Command(name = "fanout", mixinStandardHelpOptions = true,
        description = "Time one change's fan-out for organizations of 1, 100 and 5,000 contacts, filtered and unfiltered.")
public final class FanoutBench implements Callable<Integer> {
    @Mixin DbOptions db;

    @Option(names = "--changes", defaultValue = "300", description = "Measured changes per organization. Default: ${DEFAULT-VALUE}")
    int changes;

    @Option(names = "--sizes", defaultValue = "1,100,5000", split = ",", description = "Contacts per organization. Default: ${DEFAULT-VALUE}")
    List<Integer> sizes;

    private static final int WARM_UP = 30;
    private static final int REGIONS = 10;

    /** The filtered mix: a quarter each of no filter, incident.* power, a region at severity >= 3, and outage.* only. */
    private static final String CONTACTS = """
            INSERT INTO contacts (id, organization_id, channel, target, throttle, subscription)
            SELECT gen_random_uuid(), ?, 'email', 'c' || g || '@example.com', '{}',
                   CASE WHEN ? = 'none' THEN '{}'::jsonb
                        WHEN ? = 'elsewhere' THEN '{"types": ["outage.*"]}'::jsonb
                        WHEN g % 4 = 0 THEN '{}'::jsonb
                        WHEN g % 4 = 1 THEN '{"types": ["incident.*"], "kinds": ["power"]}'::jsonb
                        WHEN g % 4 = 2 THEN jsonb_build_object('regions', jsonb_build_array('R' || (g % 10)), 'min_severity', 3)
                        ELSE '{"types": ["outage.*"]}'::jsonb END
            FROM generate_series(1, ?) g""";
    private static final String INCIDENT = """
            INSERT INTO incidents (id, organization_id, location_id, kind, severity) VALUES (gen_random_uuid(), ?, ?, ?, ?)""";

    @Override
    public Integer call() throws Exception {
        try (Herald herald = Herald.open(db.load(Map.of()))) {
            BenchReport r = new BenchReport("fanout");
            r.header("contacts", "filters", "p50 ms", "p99 ms", "max ms", "units per change");
            ObjectNode out = r.json();
            out.put("changes_per_size", changes);
            ObjectNode bySize = out.putObject("sizes");
            Result floor = run(herald, 0, "none");
            out.put("no_contacts_p50_ms", floor.p50());
            out.put("no_contacts_p99_ms", floor.p99());
            r.row("0", "-", BenchReport.ms(floor.p50()), BenchReport.ms(floor.p99()), BenchReport.ms(floor.max()), "0");
            for (int size : sizes) {
                Result plain = run(herald, size, "none");
                Result filtered = run(herald, size, "mixed");
                Result elsewhere = run(herald, size, "elsewhere");
                ObjectNode s = bySize.putObject(Integer.toString(size));
                s.put("filtered_p50_ms", filtered.p50()).put("filtered_p99_ms", filtered.p99())
                        .put("unfiltered_p50_ms", plain.p50()).put("unfiltered_p99_ms", plain.p99())
                        .put("filtered_units_per_change", filtered.unitsPerChange())
                        .put("unfiltered_units_per_change", plain.unitsPerChange())
                        .put("filtered_vs_unfiltered_p50", filtered.p50() / plain.p50())
                        .put("none_match_p50_ms", elsewhere.p50()).put("none_match_p99_ms", elsewhere.p99());
                r.row(Integer.toString(size), "none", BenchReport.ms(plain.p50()), BenchReport.ms(plain.p99()), BenchReport.ms(plain.max()),
                        String.format(java.util.Locale.ROOT, "%.1f", plain.unitsPerChange()));
                r.row(Integer.toString(size), "mixed", BenchReport.ms(filtered.p50()), BenchReport.ms(filtered.p99()), BenchReport.ms(filtered.max()),
                        String.format(java.util.Locale.ROOT, "%.1f", filtered.unitsPerChange()));
                r.row(Integer.toString(size), "none match", BenchReport.ms(elsewhere.p50()), BenchReport.ms(elsewhere.p99()), BenchReport.ms(elsewhere.max()),
                        String.format(java.util.Locale.ROOT, "%.1f", elsewhere.unitsPerChange()));
            }
            r.finish();
        }
        return 0;
    }

    record Result(double p50, double p99, double max, double unitsPerChange) {}

    private Result run(Herald herald, int contacts, String filters) throws Exception {
        UUID org = UUID.randomUUID();
        UUID[] locations = new UUID[REGIONS];
        herald.db().write("Bench.FANOUT_SETUP", c -> {
            exec(c, "INSERT INTO organizations (id, name) VALUES (?, ?)", org, "fan-out " + contacts + " " + filters + " " + org);
            for (int i = 0; i < REGIONS; i++) {
                locations[i] = UUID.randomUUID();
                exec(c, "INSERT INTO locations (id, organization_id, lat, lon, region) VALUES (?, ?, 50, 8, ?)", locations[i], org, "R" + i);
            }
            if (contacts > 0) exec(c, CONTACTS, org, filters, filters, contacts);
            exec(c, "ANALYZE contacts");
            return null;
        });
        Histogram h = new Histogram(60_000_000L, 3);
        for (int i = 0; i < WARM_UP + changes; i++) {
            int n = i;
            long start = System.nanoTime();
            herald.db().write("Bench.FANOUT_CHANGE", c -> exec(c, INCIDENT, org, locations[n % REGIONS], n % 2 == 0 ? "power" : "internet", 1 + n % 5));
            long micros = (System.nanoTime() - start) / 1000;
            if (i >= WARM_UP) h.recordValue(Math.max(1, micros));
        }
        long units = herald.db().write("Bench.FANOUT_CLEAN", c -> {
            long n;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM work_units WHERE organization_id = ?")) {
                ps.setObject(1, org);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    n = rs.getLong(1);
                }
            }
            exec(c, "DELETE FROM work_units WHERE organization_id = ?", org);
            exec(c, "UPDATE contacts SET disabled_at = now() WHERE organization_id = ?", org);
            return n;
        });
        return new Result(BenchReport.pctMs(h, 50), BenchReport.pctMs(h, 99), h.getMaxValue() / 1000.0, units / (double) (WARM_UP + changes));
    }

    private static Object exec(Connection c, String sql, Object... params) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) ps.setObject(i + 1, params[i]);
            ps.execute();
            return null;
        }
    }
}
