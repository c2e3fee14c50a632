package dev.herald.bench.queue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.herald.Herald;
import dev.herald.config.Settings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** Connection pools for peers under test (on the same server as Herald's database) and server facts for the report. */
public final class BenchDataSources {
    private BenchDataSources() {}

    /** A pool of {@code size} connections to Herald's database, for a peer that brings its own data access. Caller closes. */
    public static HikariDataSource pool(Herald herald, String name, int size) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName(name);
        hc.setJdbcUrl("jdbc:" + herald.db().shareableUrl());
        herald.config().get(Settings.DATABASE_PASSWORD).ifPresent(hc::setPassword);
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(size);
        hc.setConnectionTimeout(30_000);
        hc.addDataSourceProperty("ApplicationName", name);
        return new HikariDataSource(hc);
    }

    /** {@code SHOW name} on one connection of {@code ds} (e.g. synchronous_commit, fsync). */
    public static String show(DataSource ds, String name) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("SHOW " + name + " failed: " + e.getMessage(), e);
        }
    }

    /** Runs statements in autocommit. */
    public static void exec(DataSource ds, String... sql) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (String s : sql) st.execute(s);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The first column of the first row of a query, as a long. */
    public static long queryLong(DataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
