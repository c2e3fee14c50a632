package dev.herald.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.cli.Main;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import dev.herald.testing.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./herald import} end to end through the real CLI on a real PostgreSQL: good files load, bad files load nothing. */
class ImportCommandTest {
    static HeraldConfig config;
    static Herald herald;
    static UUID org;
    static UUID otherOrg;
    @TempDir static Path dir;

    @BeforeAll
    static void start() {
        config = TestPostgres.freshConfig();
        herald = Herald.open(config);
        org = herald.organizations().create("Importer", null, false, null).id();
        otherOrg = herald.organizations().create("Other", null, false, null).id();
    }

    @AfterAll
    static void stop() {
        herald.close();
    }

    record Run(int exit, String out, String err) {}

    static Run importFile(String type, Path file, String... extra) {
        List<String> args = new ArrayList<>(List.of("import", type, file.toString(),
                "--database-url", config.get(Settings.DATABASE_URL).orElseThrow(), "--data-dir", config.get(Settings.DATA_DIR).toString()));
        args.addAll(List.of(extra));
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Main.run(args.toArray(String[]::new));
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static Path write(String name, String... lines) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, String.join("\n", lines) + "\n");
        return p;
    }

    static long count(String sql) {
        return herald.db().read("test", c -> {
            try (ResultSet rs = c.createStatement().executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    static void assertImported(Run r, long rows, String type) {
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("imported " + rows + " " + type);
    }

    @Test
    void goodFilesOfEveryTypeImport() throws IOException {
        UUID loc = UUID.randomUUID(), loc2 = UUID.randomUUID(), type = UUID.randomUUID(), asset = UUID.randomUUID();
        UUID inc = UUID.randomUUID(), parent = UUID.randomUUID(), child = UUID.randomUUID();
        String o = "--organization";
        assertImported(importFile("locations", write("loc.csv", "id,lat,lon,locality,thoroughfare",
                loc + ",52.5,13.4,Berlin,\"Unter den Linden 1, Mitte\"", loc2 + ",48.1,11.6,München,"), o, org.toString()), 2, "locations");
        assertImported(importFile("asset-types", write("types.ndjson",
                "{\"id\":\"" + type + "\",\"organization_id\":\"" + org + "\",\"name\":\"cell tower\"}")), 1, "asset-types");
        assertImported(importFile("assets", write("assets.csv", "id,organization_id,asset_type_id,location_id,name",
                asset + "," + org + "," + type + "," + loc + ",Tower 1")), 1, "assets");
        assertImported(importFile("incidents", write("inc.csv", "id,location_id,kind,status,severity,title",
                inc + "," + loc + ",power,open,4,\"Grid down,\n\"\"north\"\" side\"",
                "," + loc2 + ",internet,resolved,2,"), o, org.toString()), 2, "incidents");
        assertImported(importFile("outages", write("out.jsonl",
                "{\"incident_id\":\"" + inc + "\",\"utility\":\"Vattenfall\",\"customers_affected\":1200,\"estimated_restoration\":\"2030-01-01T10:00:00Z\"}"),
                o, org.toString()), 1, "outages");
        assertImported(importFile("internet-outages", write("net.csv", "incident_id,provider,service", inc + ",DT,fiber"),
                o, org.toString()), 1, "internet-outages");
        assertImported(importFile("intel-requests", write("intel.csv", "id,parent_id,question,status",
                parent + ",,Is the tower on generator?,open", child + "," + parent + ",For how long?,answered"), o, org.toString()), 2, "intel-requests");
        assertImported(importFile("dependencies", write("deps.csv", "blocker_type,blocker_id,dependent_type,dependent_id,created,deleted",
                "incident," + inc + ",intel_request," + parent + ",2024-01-01T00:00:00Z,",
                "intel_request," + parent + ",intel_request," + child + ",,",
                "asset," + asset + ",incident," + inc + ",2024-01-01T00:00:00Z,2024-02-01T00:00:00Z"), o, org.toString()), 3, "dependencies");

        assertThat(count("SELECT count(*) FROM incidents WHERE organization_id = '" + org + "'")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM incidents WHERE status = 'resolved' AND resolved_at IS NOT NULL AND organization_id = '" + org + "'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM incidents WHERE title = 'Grid down,\n\"north\" side'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM locations WHERE thoroughfare = 'Unter den Linden 1, Mitte' AND postcode IS NULL")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM intel_requests WHERE id = '" + child + "' AND parent_id = '" + parent + "'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM dependencies WHERE deleted IS NULL AND organization_id = '" + org + "'")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM outages WHERE customers_affected = 1200 AND estimated_restoration = '2030-01-01T10:00:00Z'")).isEqualTo(1);
        assertThat(herald.incidents().find(inc)).get().extracting(i -> i.severity()).isEqualTo(4);

        // the same live edge again is refused, as is an edge to a record of another organization
        Run again = importFile("dependencies", write("deps2.csv", "blocker_type,blocker_id,dependent_type,dependent_id",
                "incident," + inc + ",intel_request," + parent), o, org.toString());
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("line 2").contains("already exists");
        Run foreign = importFile("assets", write("foreign.csv", "asset_type_id,location_id,name", type + "," + loc + ",x"),
                o, otherOrg.toString());
        assertThat(foreign.exit()).isEqualTo(1);
        assertThat(foreign.err()).contains("line 2, column asset_type_id: asset type " + type + " belongs to another organization");
    }

    @Test
    void everyTypeRejectsAFileWithOneBadRowAndImportsNothing() throws IOException {
        UUID o2 = herald.organizations().create("Strict", null, false, null).id();
        UUID loc = UUID.randomUUID(), type = UUID.randomUUID(), inc = UUID.randomUUID(), intel = UUID.randomUUID();
        String[] flag = {"--organization", o2.toString()};
        assertImported(importFile("locations", write("s-l.csv", "id,lat,lon", loc + ",1,1"), flag), 1, "locations");
        assertImported(importFile("asset-types", write("s-t.csv", "id,name", type + ",pole"), flag), 1, "asset-types");
        assertImported(importFile("incidents", write("s-i.csv", "id,location_id,kind,severity", inc + "," + loc + ",other,1"), flag), 1, "incidents");
        assertImported(importFile("intel-requests", write("s-q.csv", "id,question", intel + ",why?"), flag), 1, "intel-requests");
        // type, header, good line 2, bad line 3 (and a good line 4), the column the error must name
        String[][] cases = {
                {"locations", "lat,lon", "1,1", "1,200", "2,2", "lon"},
                {"asset-types", "id,name", UUID.randomUUID() + ",a", "xyz,b", UUID.randomUUID() + ",c", "id"},
                {"assets", "asset_type_id,location_id,name", type + "," + loc + ",a", UUID.randomUUID() + "," + loc + ",b", type + "," + loc + ",c", "asset_type_id"},
                {"incidents", "location_id,kind,severity", loc + ",power,1", loc + ",power,0", loc + ",power,2", "severity"},
                {"outages", "incident_id,utility,customers_affected", inc + ",u,1", inc + ",u,-5", inc + ",u,2", "customers_affected"},
                {"internet-outages", "incident_id,provider,started_at", inc + ",p,", inc + ",p,yesterday", inc + ",p,2024-01-01T00:00:00Z", "started_at"},
                {"intel-requests", "question,status", "a,open", "b,pending", "c,closed", "status"},
                {"dependencies", "blocker_type,blocker_id,dependent_type,dependent_id", "incident," + inc + ",intel_request," + intel,
                        "widget," + inc + ",intel_request," + intel, "intel_request," + intel + ",incident," + inc, "blocker_type"}};
        String counts = "SELECT (SELECT count(*) FROM locations) + (SELECT count(*) FROM asset_types) + (SELECT count(*) FROM assets)"
                + " + (SELECT count(*) FROM incidents) + (SELECT count(*) FROM outages) + (SELECT count(*) FROM internet_outages)"
                + " + (SELECT count(*) FROM intel_requests) + (SELECT count(*) FROM dependencies)";
        long before = count(counts);
        for (String[] c : cases) {
            Run r = importFile(c[0], write("bad-" + c[0] + ".csv", c[1], c[2], c[3], c[4]), flag);
            assertThat(r.exit()).as(c[0] + ": " + r.out()).isEqualTo(1);
            assertThat(r.err()).as(c[0]).contains("line 3, column " + c[5] + ":").contains("1 bad row; nothing was imported")
                    .doesNotContain("line 2").doesNotContain("line 4");
        }
        assertThat(count(counts)).as("no table gained a row").isEqualTo(before);
    }

    @Test
    void aBadRowOnLineNImportsNothingAndNamesLineAndColumn() throws IOException {
        UUID org = herald.organizations().create("Bad rows", null, false, null).id();
        UUID loc = UUID.randomUUID();
        assertImported(importFile("locations", write("l.csv", "id,lat,lon", loc + ",1,1"), "--organization", org.toString()), 1, "locations");
        long before = count("SELECT count(*) FROM incidents WHERE organization_id = '" + org + "'");
        Path bad = write("bad.csv", "location_id,kind,severity,title",
                loc + ",power,3,ok", loc + ",power,4,ok", loc + ",power,9,bad", loc + ",flood,2,bad kind", "not-a-uuid,power,1,x");
        Run r = importFile("incidents", bad, "--organization", org.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("line 4, column severity: must be between 1 and 5, got 9")
                .contains("line 5, column kind: must be one of power, internet, other")
                .contains("line 6, column location_id: must be a UUID")
                .contains("3 bad rows; nothing was imported");
        assertThat(r.err().indexOf("line 4")).isLessThan(r.err().indexOf("line 5"));
        assertThat(count("SELECT count(*) FROM incidents WHERE organization_id = '" + org + "'")).as("nothing imported").isEqualTo(before);

        Path missingRef = write("ref.ndjson", "{\"location_id\":\"" + loc + "\",\"kind\":\"power\",\"severity\":1}", "",
                "{\"location_id\":\"" + UUID.randomUUID() + "\",\"kind\":\"power\",\"severity\":1}");
        Run m = importFile("incidents", missingRef, "--organization", org.toString());
        assertThat(m.exit()).isEqualTo(1);
        assertThat(m.err()).contains("line 3, column location_id: location").contains("does not exist");
        assertThat(count("SELECT count(*) FROM incidents WHERE organization_id = '" + org + "'")).isEqualTo(before);

        UUID p = UUID.randomUUID();
        Run later = importFile("intel-requests", write("later.csv", "id,parent_id,question",
                UUID.randomUUID() + "," + p + ",child first", p + ",,parent"), "--organization", org.toString());
        assertThat(later.err()).contains("line 2, column parent_id").contains("defined later in the file");

        Run header = importFile("locations", write("h.csv", "lat,lon,colour", "1,1,red"), "--organization", org.toString());
        assertThat(header.err()).contains("line 1, column colour: unknown column");
        Run noOrg = importFile("locations", write("n.csv", "lat,lon", "1,1"));
        assertThat(noOrg.exit()).isEqualTo(1);
        assertThat(noOrg.err()).contains("column organization_id");
        Run self = importFile("dependencies", write("self.csv", "blocker_type,blocker_id,dependent_type,dependent_id",
                "location," + loc + ",incident," + loc), "--organization", org.toString());
        assertThat(self.err()).contains("line 2, column blocker_type: must be one of").contains("a record cannot depend on itself");
        Run ext = importFile("locations", write("l.txt", "lat,lon"), "--organization", org.toString());
        assertThat(ext.exit()).isEqualTo(1);
        assertThat(ext.err()).contains(".csv");
        Run unknownType = importFile("widgets", bad, "--organization", org.toString());
        assertThat(unknownType.err()).contains("unknown import type 'widgets'");
        assertThat(count("SELECT count(*) FROM locations WHERE organization_id = '" + org + "'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM intel_requests WHERE organization_id = '" + org + "'")).isZero();
    }
}
