package dev.herald.current;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.cli.Main;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import dev.herald.testing.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.Iterator;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code ./herald rebuild-view}: finds and repairs a damaged stored view; reports none on a healthy one. */
class RebuildViewCommandTest {
    static HeraldConfig config;
    static Herald herald;
    static UUID org;

    @BeforeAll
    static void start() throws Exception {
        config = TestPostgres.freshConfig();
        herald = Herald.open(config);
        try (Connection c = herald.db().dataSource().getConnection()) {
            org = RandomWrites.newOrganization(c, "rebuild");
            RandomWrites w = new RandomWrites(c, org, 5, 10);
            for (int i = 0; i < 200; i++) w.one(c);
        }
    }

    @AfterAll
    static void stop() {
        herald.close();
    }

    @Test
    void reportsAndRepairsDamageThenFindsNone() throws Exception {
        var fresh = herald.currentIncidents().recompute(org);
        assertThat(fresh).hasSizeGreaterThan(2);
        Iterator<UUID> ids = fresh.keySet().iterator();
        UUID changed = ids.next(), missing = ids.next();
        UUID extra = UUID.randomUUID();
        herald.currentIncidents().all(org).orElseThrow(); // warm this process's cache
        try (Connection c = herald.db().dataSource().getConnection()) {
            // damage the stored view behind the triggers' back (the view table has none)
            RandomWrites.sql(c, "UPDATE current_incidents SET entry = '{\"damaged\": true}' WHERE incident_id = ?", changed);
            RandomWrites.sql(c, "DELETE FROM current_incidents WHERE incident_id = ?", missing);
            RandomWrites.sql(c, "INSERT INTO current_incidents (incident_id, organization_id, version, entry) VALUES (?, ?, 0, '{}')", extra, org);
        }
        Run first = run("rebuild-view", "--organization", org.toString());
        assertThat(first.exit).as(first.err).isZero();
        assertThat(first.out).contains("3 difference(s) found", "changed " + changed, "missing " + missing, "extra " + extra, "3 entries repaired");
        var served = herald.currentIncidents().all(org).orElseThrow();
        assertThat(served).hasSize(fresh.size());
        served.forEach(ci -> assertThat(ViewModel.same(fresh.get(ci.incidentId()), ci.entry())).isTrue());

        Run second = run("rebuild-view");
        assertThat(second.exit).isZero();
        assertThat(second.out).contains("0 difference(s) found", "0 entries repaired");
    }

    @Test
    void badOrganizationIsOneClearLine() {
        Run bad = run("rebuild-view", "--organization", "nope");
        assertThat(bad.exit).isEqualTo(1);
        assertThat(bad.err.strip()).isEqualTo("herald: --organization must be a UUID, got 'nope'");
        Run unknown = run("rebuild-view", "--organization", UUID.randomUUID().toString());
        assertThat(unknown.exit).isEqualTo(1);
        assertThat(unknown.err).contains("does not exist");
    }

    record Run(int exit, String out, String err) {}

    static synchronized Run run(String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--database-url";
        all[args.length + 1] = config.get(Settings.DATABASE_URL).orElseThrow();
        all[args.length + 2] = "--data-dir";
        all[args.length + 3] = config.get(Settings.DATA_DIR).toString();
        PrintStream out = System.out, err = System.err;
        var o = new ByteArrayOutputStream();
        var e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int exit = Main.run(all);
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
