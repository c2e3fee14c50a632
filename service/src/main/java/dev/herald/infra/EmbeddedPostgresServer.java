package dev.herald.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL under a Herald data directory, started or attached to.
 *
 * <p><b>Sharing.</b> Several Herald processes may use one data directory. The first takes an exclusive file lock on
 * {@code data.dir/embedded-pg.lock}, starts PostgreSQL on {@code data.dir/pg} and writes its port to
 * {@code data.dir/embedded-pg.port}; later processes find the lock held and <em>attach</em> to that server over
 * loopback. Only the owner starts or stops the server, so two postmasters never run on one data directory (PostgreSQL's
 * own {@code postmaster.pid} check is a second guard). When the owner stops, the server stops with it and attached
 * processes lose their connections: run the long-lived {@code serve} first.
 *
 * <p><b>Durability.</b> zonky starts PostgreSQL with {@code -F} (fsync off); Herald turns fsync and synchronous commit
 * back on, so an acknowledged commit survives a crash. {@code pg_stat_statements} is preloaded.
 *
 * <p><b>Shutdown order.</b> zonky's own JVM shutdown hook would stop PostgreSQL the moment the JVM begins to exit, in
 * parallel with Herald's hook that stops the consumers and acks what they sent: acks then fail, and the units are sent
 * again after a restart. So zonky's hook is off, and this class's hook stops the server only after the
 * {@link Database} using it has closed (consumers drained, acks written), or after {@code stopWait} at the latest. A
 * server nobody {@linkplain #retain retained} (tests) stops at once.
 *
 * <p><b>Orphans.</b> If an owner was killed with SIGKILL its postmaster keeps running; the next owner finds the live
 * {@code postmaster.pid}, asks that postmaster to shut down (SIGINT, fast shutdown) and starts afresh.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    static final String DATABASE = "herald";

    private final Path dataDir;
    private final int port;
    private final EmbeddedPostgres owned;      // null when attached
    private final FileChannel lockChannel;     // null when attached
    private final FileLock lock;               // null when attached
    private final CountDownLatch released = new CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicBoolean retained = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private EmbeddedPostgresServer(Path dataDir, int port, EmbeddedPostgres owned, FileChannel lockChannel, FileLock lock) {
        this.dataDir = dataDir;
        this.port = port;
        this.owned = owned;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Starts or attaches with a {@code stopWait} of one minute (tests and tools). */
    public static EmbeddedPostgresServer startOrAttach(Path dataDir, int wantedPort, Duration startTimeout) {
        return startOrAttach(dataDir, wantedPort, startTimeout, Duration.ofMinutes(1));
    }

    /**
     * Starts the embedded server for {@code dataDir}, or attaches to the one another Herald process already runs there.
     * An owned server stops with {@link #close}, or at JVM exit once its user {@linkplain #release released} it (at
     * most {@code stopWait} after the exit began).
     */
    public static EmbeddedPostgresServer startOrAttach(Path dataDir, int wantedPort, Duration startTimeout, Duration stopWait) {
        try {
            Files.createDirectories(dataDir);
            Path lockFile = dataDir.resolve("embedded-pg.lock");
            Path portFile = dataDir.resolve("embedded-pg.port");
            FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this JVM already owns it (a second Herald in the same process, e.g. in tests)
            }
            if (lock == null) {
                ch.close();
                return attach(dataDir, portFile, startTimeout);
            }
            try {
                Path pgDir = dataDir.resolve("pg");
                stopOrphan(pgDir);
                EmbeddedPostgres pg = EmbeddedPostgres.builder()
                        .setDataDirectory(pgDir)
                        .setCleanDataDirectory(false)
                        .setPort(wantedPort == 0 ? freePort() : wantedPort)
                        .setPGStartupWait(startTimeout)
                        .setServerConfig("fsync", "on")
                        .setServerConfig("synchronous_commit", "on")
                        .setServerConfig("full_page_writes", "on")
                        .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                        .setServerConfig("pg_stat_statements.track", "all")
                        .setServerConfig("max_connections", "300")
                        .setServerConfig("shared_buffers", "256MB")
                        .setServerConfig("work_mem", "16MB")
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
                        .setRegisterShutdownHook(false) // ours waits for the consumers' acks (class javadoc)
                        .start();
                ensureDatabase(pg.getPort());
                Files.writeString(portFile, Integer.toString(pg.getPort()), StandardCharsets.UTF_8);
                log.info("embedded PostgreSQL started on 127.0.0.1:{} with data in {}", pg.getPort(), pgDir);
                EmbeddedPostgresServer server = new EmbeddedPostgresServer(dataDir, pg.getPort(), pg, ch, lock);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stopAtExit(stopWait), "herald-embedded-pg-stop"));
                return server;
            } catch (IOException | RuntimeException e) {
                lock.release();
                ch.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static EmbeddedPostgresServer attach(Path dataDir, Path portFile, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Integer> port = readPort(portFile);
            if (port.isPresent() && answers(port.get())) {
                try {
                    ensureDatabase(port.get());
                    log.info("attached to the embedded PostgreSQL of another Herald process on port {}", port.get());
                    return new EmbeddedPostgresServer(dataDir, port.get(), null, null, null);
                } catch (UncheckedIOException e) {
                    // server is still starting: retry below
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("data directory " + dataDir + " is locked by another Herald process, but its "
                        + "embedded PostgreSQL does not answer" + port.map(p -> " on port " + p).orElse("")
                        + "; wait for it to start, stop it, or use another --data-dir");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the embedded PostgreSQL", e);
            }
        }
    }

    private static Optional<Integer> readPort(Path portFile) {
        try {
            return Optional.of(Integer.parseInt(Files.readString(portFile).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean answers(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A postmaster left running by an owner killed with SIGKILL: ask it to stop (fast shutdown) and wait for it. */
    private static void stopOrphan(Path pgDir) throws IOException {
        Path pidFile = pgDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty()) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return;
        }
        Optional<ProcessHandle> ph = ProcessHandle.of(pid);
        if (ph.isEmpty() || !ph.get().isAlive()) {
            return;
        }
        log.warn("a PostgreSQL (pid {}) from an earlier Herald process still runs on {}; stopping it", pid, pgDir);
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (ph.get().isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ph.get().isAlive()) {
            throw new IOException("an earlier PostgreSQL (pid " + pid + ") still runs on " + pgDir + " and did not stop");
        }
    }

    private static void ensureDatabase(int port) {
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres&connectTimeout=5";
        try (Connection c = DriverManager.getConnection(url)) {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            try {
                c.createStatement().execute("CREATE DATABASE " + DATABASE);
            } catch (SQLException e) {
                if (!"42P04".equals(e.getSQLState())) { // created meanwhile by another process
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new UncheckedIOException(new IOException("embedded PostgreSQL on port " + port + ": " + e.getMessage(), e));
        }
    }

    private static int freePort() throws IOException {
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** JDBC URL of the {@code herald} database on this server. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String user() {
        return "postgres";
    }

    public int port() {
        return port;
    }

    public boolean owner() {
        return owned != null;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Marks the server as used by a {@link Database}: at JVM exit it keeps running until {@link #release}. */
    void retain() {
        retained.set(true);
    }

    /** The user is done with the server (its consumers finished and acked): an exiting JVM may stop it now. */
    void release() {
        released.countDown();
    }

    private void stopAtExit(Duration stopWait) {
        if (retained.get()) {
            try {
                if (!released.await(stopWait.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("stopping the embedded PostgreSQL after embedded.stop-wait ({}) while it is still in use", stopWait);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        close();
    }

    @Override
    public void close() {
        if (owned == null || !closed.compareAndSet(false, true)) {
            return;
        }
        try {
            owned.close();
            Files.deleteIfExists(dataDir.resolve("embedded-pg.port"));
        } catch (IOException e) {
            log.warn("stopping embedded PostgreSQL: {}", e.getMessage());
        } finally {
            try {
                lock.release();
                lockChannel.close();
            } catch (IOException e) {
                log.warn("releasing {}: {}", dataDir.resolve("embedded-pg.lock"), e.getMessage());
            }
        }
    }
}
