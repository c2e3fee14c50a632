package dev.herald.testing;

import dev.herald.infra.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.time.Duration;

/** A child process for tests: owns (or attaches to) the embedded PostgreSQL of a data directory, prints its port, waits. */
public final class EmbeddedHolder {
    public static void main(String[] args) throws Exception {
        EmbeddedPostgresServer s = EmbeddedPostgresServer.startOrAttach(Path.of(args[0]), 0, Duration.ofSeconds(120));
        System.out.println("PORT " + s.port() + " OWNER " + s.owner());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    /** Starts a holder JVM on {@code dir} with this test classpath and waits for its port line. */
    public static Process start(Path dir) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), EmbeddedHolder.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        var reader = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.startsWith("PORT ")) return p;
            if (System.nanoTime() > deadline) break;
        }
        p.destroyForcibly();
        throw new IllegalStateException("embedded holder did not start");
    }
}
