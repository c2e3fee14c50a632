package dev.herald.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.EmbeddedHolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default: data survives restarts; a second process shares the server; an orphaned server is cleaned up. */
@Tag("slow") // holder JVMs and PostgreSQL restarts, about 10 s
class EmbeddedPostgresServerTest {
    @TempDir Path dir;

    private static Connection connect(EmbeddedPostgresServer s) throws Exception {
        return DriverManager.getConnection(s.jdbcUrl() + "?user=postgres");
    }

    @Test
    void dataSurvivesARestartAndSettingsAreDurable() throws Exception {
        try (EmbeddedPostgresServer s = EmbeddedPostgresServer.startOrAttach(dir, 0, Duration.ofSeconds(120));
             Connection c = connect(s)) {
            assertThat(s.owner()).isTrue();
            c.createStatement().execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
            try (ResultSet rs = c.createStatement().executeQuery(
                    "SELECT current_setting('fsync'), current_setting('shared_preload_libraries')")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("on");
                assertThat(rs.getString(2)).contains("pg_stat_statements");
            }
        }
        assertThat(dir.resolve("embedded-pg.port")).doesNotExist();
        try (EmbeddedPostgresServer s = EmbeddedPostgresServer.startOrAttach(dir, 0, Duration.ofSeconds(120));
             Connection c = connect(s); ResultSet rs = c.createStatement().executeQuery("SELECT v FROM kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("still here");
        }
    }

    @Test
    void aSecondProcessAttachesToTheRunningServerInsteadOfStartingAnother() throws Exception {
        Process owner = EmbeddedHolder.start(dir);
        try {
            int ownerPort = Integer.parseInt(Files.readString(dir.resolve("embedded-pg.port")).trim());
            try (EmbeddedPostgresServer attached = EmbeddedPostgresServer.startOrAttach(dir, 0, Duration.ofSeconds(30));
                 Connection c = connect(attached)) {
                assertThat(attached.owner()).isFalse();
                assertThat(attached.port()).isEqualTo(ownerPort);
                assertThat(c.isValid(2)).isTrue();
            }
            // closing an attached handle leaves the owner's server running
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + ownerPort + "/herald?user=postgres")) {
                assertThat(c.isValid(2)).isTrue();
            }
        } finally {
            owner.destroy();
            owner.waitFor();
        }
    }

    @Test
    void aServerOrphanedByAKilledOwnerIsStoppedAndTheDataIsIntact() throws Exception {
        Process owner = EmbeddedHolder.start(dir);
        int port = Integer.parseInt(Files.readString(dir.resolve("embedded-pg.port")).trim());
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/herald?user=postgres")) {
            c.createStatement().execute("CREATE TABLE survived (v int); INSERT INTO survived VALUES (7)");
        }
        owner.destroyForcibly(); // SIGKILL: its postmaster keeps running
        owner.waitFor();
        try (EmbeddedPostgresServer s = EmbeddedPostgresServer.startOrAttach(dir, 0, Duration.ofSeconds(120));
             Connection c = connect(s); ResultSet rs = c.createStatement().executeQuery("SELECT v FROM survived")) {
            assertThat(s.owner()).isTrue();
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(7);
        }
    }
}
