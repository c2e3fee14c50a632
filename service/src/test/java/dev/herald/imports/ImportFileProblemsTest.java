package dev.herald.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.cli.Main;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import dev.herald.testing.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files {@code ./herald import} cannot load say why in one clear line per problem, naming the line and column, never
 * PostgreSQL's words or a Java class: a NUL byte or an out-of-range year in a cell, a binary file, a directory. Before,
 * the cell problems surfaced as the raw COPY error and the directory as "no such file".
 */
class ImportFileProblemsTest {
    static HeraldConfig config;
    static Herald herald;
    static UUID org;
    static UUID location = UUID.randomUUID();
    @TempDir static Path dir;

    @BeforeAll
    static void start() throws Exception {
        config = TestPostgres.freshConfig();
        herald = Herald.open(config);
        org = herald.organizations().create("Import problems", null, false, null).id();
        Files.writeString(dir.resolve("loc.csv"), "id,lat,lon\n" + location + ",1,1\n");
        assertThat(importFile("locations", dir.resolve("loc.csv")).exit()).isZero();
    }

    @AfterAll
    static void stop() {
        herald.close();
    }

    record Run(int exit, String out, String err) {}

    static synchronized Run importFile(String type, Path file) {
        List<String> args = new ArrayList<>(List.of("import", type, file.toString(), "--organization", org.toString(),
                "--database-url", config.get(Settings.DATABASE_URL).orElseThrow(), "--data-dir", config.get(Settings.DATA_DIR).toString()));
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

    static void refused(Run r, String... parts) {
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains(parts).doesNotContain("ERROR:", "Exception", "java.", "at dev.herald");
    }

    long incidents() {
        return herald.db().read("t", c -> {
            try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM incidents WHERE organization_id = '" + org + "'")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Test
    void aNulByteInACellNamesTheLineAndColumn() throws Exception {
        Path csv = dir.resolve("nul.csv");
        Files.writeString(csv, "location_id,kind,severity,title\n" + location + ",power,3,fine\n" + location + ",power,3,bro\u0000ken\n");
        refused(importFile("incidents", csv), "line 3, column title: contains a NUL byte", "nothing was imported");
        Path nd = dir.resolve("nul.ndjson");
        Files.writeString(nd, "{\"location_id\":\"" + location + "\",\"kind\":\"power\",\"severity\":3,\"title\":\"a\\u0000b\"}\n");
        refused(importFile("incidents", nd), "line 1, column title: contains a NUL byte");
        assertThat(incidents()).isZero();
    }

    @Test
    void anOutOfRangeYearNamesTheLineAndColumn() throws Exception {
        Path csv = dir.resolve("year.csv");
        Files.writeString(csv, "location_id,kind,severity,started_at\n" + location + ",power,3,2026-01-01T00:00:00Z\n"
                + location + ",power,3,+300000-01-01T00:00:00Z\n" + location + ",power,3,-5000-01-01T00:00:00Z\n");
        refused(importFile("incidents", csv), "line 3, column started_at: must be a time between the years 1 and 9999",
                "line 4, column started_at", "2 bad rows");
        assertThat(incidents()).isZero();
    }

    @Test
    void aBinaryFileSaysItIsBinary() throws Exception {
        Path gz = dir.resolve("incidents.csv");
        Files.write(gz, new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3});
        refused(importFile("incidents", gz), "incidents.csv is a binary file (gzip)");
        Path junk = dir.resolve("junk.ndjson");
        byte[] bytes = new byte[4096];
        new java.util.Random(1).nextBytes(bytes);
        Files.write(junk, bytes);
        refused(importFile("incidents", junk), "junk.ndjson is a binary file");
        // text that stops being UTF-8 past the first 8 KB: named by line
        Path late = dir.resolve("late.csv");
        StringBuilder sb = new StringBuilder("location_id,kind,severity,title\n");
        for (int i = 0; i < 300; i++) sb.append(location).append(",power,3,row ").append(i).append('\n');
        var bytes302 = new ByteArrayOutputStream();
        bytes302.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
        bytes302.writeBytes((location + ",power,3,caf").getBytes(StandardCharsets.UTF_8));
        bytes302.write(0xC3); // a UTF-8 lead byte followed by '(' : not UTF-8
        bytes302.writeBytes("( au lait\n".getBytes(StandardCharsets.UTF_8));
        Files.write(late, bytes302.toByteArray());
        refused(importFile("incidents", late), "line 302, column title: is not UTF-8 text");
        assertThat(incidents()).isZero();
    }

    @Test
    void aDirectorySaysItIsADirectory() throws Exception {
        Path d = Files.createDirectories(dir.resolve("folder.csv"));
        refused(importFile("incidents", d), "is a directory, not a file");
        refused(importFile("incidents", dir.resolve("missing.csv")), "no such file");
    }
}
