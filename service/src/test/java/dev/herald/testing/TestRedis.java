package dev.herald.testing;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} child process on a free loopback port, without persistence, for tests. Stop it to
 * simulate Redis dying; start it again on the same port to simulate it coming back. Needs the redis-server binary
 * ({@code apt-get install -y redis-server}; CI's .ci/run installs it).
 */
public final class TestRedis implements AutoCloseable {
    private final int port;
    private Process process;

    private TestRedis(int port) {
        this.port = port;
    }

    /** Starts a new server on a free port. */
    public static TestRedis start() {
        TestRedis r = new TestRedis(freePort());
        r.startAgain();
        return r;
    }

    public int port() { return port; }

    public String url() { return "redis://127.0.0.1:" + port; }

    /** Starts (again) on the same port and waits until it answers PING. */
    public synchronized void startAgain() {
        if (process != null && process.isAlive()) return;
        try {
            process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--protected-mode", "no")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(new File(System.getProperty("java.io.tmpdir"), "test-redis-" + port + ".log")))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run redis-server (install it: apt-get install -y redis-server)", e);
        }
        Process started = process;
        await("redis-server answers PING on port " + port).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
            if (!started.isAlive()) throw new IllegalStateException("redis-server exited at start; see its log in java.io.tmpdir");
            return ping();
        });
    }

    /** Kills the server (SIGKILL, like a crash) and waits for it to exit. */
    public synchronized void kill() {
        if (process == null) return;
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
    }

    private boolean ping() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            s.setSoTimeout(500);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[16];
            int n = s.getInputStream().read(buf);
            return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
