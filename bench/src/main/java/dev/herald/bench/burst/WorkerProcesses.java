package dev.herald.bench.burst;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./herald worker} child JVMs sharing the bench's PostgreSQL and Redis: started before the burst, each waits
 * until it prints that its consumers run; stopped with SIGTERM (graceful) at close. Their output goes to
 * {@code bench-results/burst-worker-N.log}.
 */
final class WorkerProcesses implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();

    static WorkerProcesses start(int count, int consumersEach, String databaseUrl, String redisUrl, List<String> sets,
                                 Duration readyTimeout) throws InterruptedException {
        WorkerProcesses w = new WorkerProcesses();
        String java = ProcessHandle.current().info().command().orElse("java");
        Path jar = Path.of("service/target/herald.jar");
        if (!Files.exists(jar)) throw new IllegalStateException("--processes needs " + jar.toAbsolutePath() + " (run from the repository root)");
        List<Path> logs = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                Path log = Path.of("bench-results", "burst-worker-" + (i + 1) + ".log");
                Files.createDirectories(log.getParent());
                List<String> cmd = new ArrayList<>(List.of(java, "-Xss1m", "-jar", jar.toString(), "worker",
                        "--database-url", databaseUrl, "--redis-url", redisUrl, "--consumers", Integer.toString(consumersEach)));
                for (String s : sets) {
                    cmd.add("--set");
                    cmd.add(s);
                }
                w.processes.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start());
                logs.add(log);
            }
            long deadline = System.nanoTime() + readyTimeout.toNanos();
            for (int i = 0; i < count; i++) {
                while (!Files.readString(logs.get(i)).contains("Herald worker:")) {
                    if (!w.processes.get(i).isAlive()) throw new IllegalStateException("worker " + (i + 1) + " exited; see " + logs.get(i));
                    if (System.nanoTime() > deadline) throw new IllegalStateException("worker " + (i + 1) + " not ready; see " + logs.get(i));
                    Thread.sleep(50);
                }
            }
            return w;
        } catch (IOException e) {
            w.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | InterruptedException e) {
            w.close();
            throw e;
        }
    }

    @Override
    public void close() {
        processes.forEach(Process::destroy);
        for (Process p : processes) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
