package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code --config} file Herald cannot use is one clear line naming the file and the line. Before, a bad escape
 * printed Java's "Malformed \\uxxxx encoding." without the file, a binary file "Input length = 1", a directory "does
 * not exist", and a bad value or unknown key named the file but not the line.
 */
class ConfigFileProblemsTest {
    @TempDir Path dir;

    private record Run(int exit, String err) {}

    private static synchronized Run config(Path file) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            return new Run(Main.run(new String[] {"config", "--config", file.toString()}), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static void refused(Run r, String... parts) {
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains(parts).doesNotContain("Exception", "java.", "xxxx");
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void aMalformedLineNamesTheFileAndLine() throws Exception {
        Path f = write("a.properties", "# settings\nhttp.port = 8080\n\nwork.consumers = \\u00zz\n");
        refused(config(f), f.toString(), "line 4", "cannot be read as key = value");
        Path g = write("b.properties", "http.port = 8080\nthis is not a setting\n");
        refused(config(g), g.toString(), "line 2", "'this'");
    }

    @Test
    void aBadValueOrUnknownKeyNamesTheLine() throws Exception {
        Path f = write("c.properties", "http.port = 8080\ndb.pool-size = 0\n");
        refused(config(f), "db.pool-size", f + " line 2", "outside 1..500");
        Path g = write("d.properties", "\n\nhttp.prot = 8080\n");
        refused(config(g), "unknown setting 'http.prot'", g + " line 3");
        Path cont = write("e.properties", "http.host = \\\n  127.0.0.1\ndb.pool-size = x\n");
        refused(config(cont), cont + " line 3");
    }

    @Test
    void aBinaryFileOrADirectorySaysWhatItIs() throws Exception {
        Path bin = dir.resolve("bin.properties");
        Files.write(bin, new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF, 0, 1, 2});
        refused(config(bin), bin.toString(), "not UTF-8 text");
        Path d = Files.createDirectories(dir.resolve("conf.d"));
        refused(config(d), d.toString(), "is a directory");
    }
}
