package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** The command line: clear one-line errors and non-zero exits for bad input. */
class MainTest {

    private record Run(int exit, String out, String err) {}

    private static synchronized Run run(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true));
            System.setErr(new PrintStream(e, true));
            int code = Main.run(args);
            return new Run(code, o.toString(), e.toString());
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void helpListsTheCommands() {
        Run r = run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("serve", "demo", "seed", "keys", "config", "test", "bench");
    }

    @Test
    void unknownCommandsAndFlagsExitNonZero() {
        assertThat(run("bogus").exit()).isEqualTo(2);
        assertThat(run("seed", "--frobnicate").exit()).isEqualTo(2);
    }

    @Test
    void aBadSettingIsOneClearLine() {
        Run r = run("config", "--set", "db.pool-size=0");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("herald: bad setting: db.pool-size (from flag): 0 is outside 1..500");
    }

    @Test
    void configListsEverySettingThenNamesACombinationHeraldWouldRefuse() {
        Run r = run("config", "--set", "work.heartbeat=30s");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("work.heartbeat", "work.history-retention");
        assertThat(r.err().strip()).isEqualTo("herald: bad setting combination: work.heartbeat (30s, from flag) must be shorter than "
                + "work.lease (20s, default): a lease would run out between two heartbeats and another process would take work "
                + "still in progress");
    }

    @Test
    void anUnreachableExternalDatabaseIsOneClearLine() {
        Run r = run("seed", "--database-url", "postgresql://127.0.0.1:1/nothing?user=x", "--set", "db.connect-timeout=1s");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("herald: cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:1/nothing");
    }

    @Test
    void aSecondSeedIntoANonEmptyDatabaseFails() {
        String url = TestPostgres.newDatabaseUrl();
        Run first = run("seed", "--profile", "small", "--database-url", url, "--json");
        assertThat(first.exit()).isZero();
        assertThat(first.out()).contains("\"live_edges\"");
        Run second = run("seed", "--profile", "small", "--database-url", url);
        assertThat(second.exit()).isEqualTo(1);
        assertThat(second.err()).contains("herald: the database is not empty");
    }

    @Test
    void keysCreateNeedsAnExistingOrganization() {
        String url = TestPostgres.newDatabaseUrl();
        Run admin = run("keys", "create", "--admin", "--database-url", url);
        assertThat(admin.exit()).isZero();
        assertThat(admin.out().strip()).startsWith("hk_");
        Run missing = run("keys", "create", "--organization", "6f1c1a56-9a3f-4e0e-8a43-0a4a4b1c2d3e", "--database-url", url);
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("does not exist");
        assertThat(run("keys", "create", "--database-url", url).exit()).isEqualTo(2);
    }
}
