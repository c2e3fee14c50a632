package dev.herald.testing;

import dev.herald.config.HeraldConfig;
import dev.herald.infra.EmbeddedPostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real embedded PostgreSQL per test JVM; each caller gets a fresh database on it, so test classes never see each
 * other's rows. Herald reaches it through {@code database.url}, the same path as an external server.
 */
public final class TestPostgres {
    private static EmbeddedPostgresServer server;
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private TestPostgres() {}

    public static synchronized EmbeddedPostgresServer server() {
        if (server == null) {
            try {
                Path dir = Files.createTempDirectory("herald-test-pg");
                server = EmbeddedPostgresServer.startOrAttach(dir, 0, Duration.ofSeconds(120));
                Runtime.getRuntime().addShutdownHook(new Thread(server::close));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return server;
    }

    /** Creates an empty database and returns its URL (user postgres, no password). */
    public static String newDatabaseUrl() {
        EmbeddedPostgresServer s = server();
        String name = "t" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + s.port() + "/postgres?user=postgres")) {
            c.createStatement().execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return "postgresql://127.0.0.1:" + s.port() + "/" + name + "?user=postgres";
    }

    /** A config on a fresh database with the given overrides (setting key to raw value). */
    public static HeraldConfig freshConfig(Map<String, String> overrides) {
        Map<String, String> m = new HashMap<>();
        m.put("database.url", newDatabaseUrl());
        m.put("http.port", "0");
        m.put("http.log-requests", "false");
        try {
            m.put("data.dir", Files.createTempDirectory("herald-test-data").toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        m.putAll(overrides);
        return HeraldConfig.defaults(m);
    }

    public static HeraldConfig freshConfig() {
        return freshConfig(Map.of());
    }
}
