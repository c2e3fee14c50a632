package dev.herald.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.config.HeraldConfig;
import dev.herald.testing.TestPostgres;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Long jobs (seed, import, restore, rebuild) run statements longer than {@code db.socket-timeout}: the client must wait
 * for them up to their own statement timeout, and when it gives up anyway the server must stop running them.
 */
class LongStatementsTest {
    static Database db;

    @BeforeAll
    static void open() {
        HeraldConfig config = TestPostgres.freshConfig(Map.of("db.statement-timeout", "200ms", "db.lock-timeout", "100ms",
                "db.socket-timeout", "1s"));
        db = Database.open(DbSettings.from(config), new Metrics());
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Test
    void aLongTransactionOutlastsTheSocketTimeoutUpToItsOwnStatementTimeout() {
        long start = System.nanoTime();
        boolean done = db.transaction("test.long", Duration.ofSeconds(5), c -> {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT pg_sleep(2.5) IS NULL")) {
                return rs.next();
            }
        });
        assertThat(done).isTrue();
        assertThat((System.nanoTime() - start) / 1e9).isGreaterThan(2.4);
        // and the pool's connections are back to the short socket timeout afterwards
        assertThatThrownBy(() -> db.transaction("test.after", null, c -> c.createStatement().execute("SELECT pg_sleep(0.5)")))
                .isInstanceOf(DatabaseException.class).hasMessageContaining("57014");
    }

    @Test
    void aLongStatementTheClientGivesUpOnIsEndedOnTheServer() {
        String marker = "abandoned_" + System.nanoTime();
        assertThatThrownBy(() -> db.transaction("test.abandoned", Duration.ofMinutes(5), c -> {
            c.setNetworkTimeout(Runnable::run, 500); // the network stalls: the client stops waiting after 0.5 s
            return c.createStatement().execute("SELECT pg_sleep(60) AS " + marker);
        })).isInstanceOf(DatabaseException.class).hasMessageContaining("[08");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> running(marker) == 0);
    }

    private static long running(String marker) {
        return db.read("test.activity", c -> {
            try (var ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE query LIKE ? AND pid <> pg_backend_pid()")) {
                ps.setString(1, "%" + marker + "%");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }
}
