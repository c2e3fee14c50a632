package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** {@code herald demo} end to end on a fresh database: everything it queues is delivered, signed, once. */
class DemoCommandTest {

    @Test
    void aShortDemoDeliversEverythingAndPrintsTheStory() throws Exception {
        PrintStream out = System.out;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(o, true));
            code = Main.run("demo", "--database-url", TestPostgres.newDatabaseUrl(),
                    "--data-dir", Files.createTempDirectory("herald-demo").toString(), "--duration", "2s", "--rate", "10");
        } finally {
            System.setOut(out);
        }
        String text = o.toString();
        assertThat(code).as(text).isZero();
        assertThat(text).contains("webhook-id: ", "webhook-signature: v1,", "signature verified", "Per-step timings",
                "Everything queued was delivered.");
        for (String step : new String[] {"wait", "claim", "context", "render", "throttle", "send"}) {
            assertThat(text).containsPattern("(?m)^  " + step + " +\\d+ ");
        }
        assertThat(text).containsPattern("duplicates 0, bad signatures 0");
        assertThat(text).containsPattern("retried, then delivered +[1-9]");
    }

    @Test
    void badDurationIsOneClearLine() {
        PrintStream err = System.err;
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(e, true));
            code = Main.run("demo", "--duration", "soon");
        } finally {
            System.setErr(err);
        }
        assertThat(code).isEqualTo(1);
        assertThat(e.toString()).startsWith("herald: --duration: ").doesNotContain("Exception");
    }
}
