package dev.herald.cli;

import dev.herald.Herald;
import dev.herald.api.HttpServer;
import dev.herald.config.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./herald serve}: the API (and, with the pipeline, the consumers) until SIGTERM. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the HTTP API until stopped (SIGTERM/Ctrl-C stops gracefully).")
final class ServeCommand implements Callable<Integer> {
    @Mixin DbOptions db;

    @Option(names = "--port", paramLabel = "N", description = "HTTP port (default 8080; 0 picks a free one and prints it)")
    Integer port;

    @Option(names = "--consumers", paramLabel = "N", description = "Notification consumers in this process (default: setting work.consumers; 0 = API only)")
    Integer consumers;

    @Option(names = "--host", paramLabel = "ADDR", description = "Address to bind (default 127.0.0.1)")
    String host;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> flags = new LinkedHashMap<>();
        if (port != null) flags.put(Settings.HTTP_PORT.key(), port.toString());
        if (host != null) flags.put(Settings.HTTP_HOST.key(), host);
        if (consumers != null) {
            if (consumers < 0) throw new CommandFailure("--consumers must be 0 or more, got " + consumers);
            flags.put(Settings.WORK_CONSUMERS.key(), consumers.toString());
        }
        Herald herald = Herald.open(db.load(flags));
        herald.ensureFirstAdminKey().ifPresent(k -> System.out.println("First start: created admin API key (saved to "
                + herald.config().get(Settings.DATA_DIR).resolve("admin-key") + "):\n  " + k));
        HttpServer http;
        try {
            http = herald.serveHttp();
            System.out.println("Herald listening on http://" + herald.config().get(Settings.HTTP_HOST) + ":" + http.port());
            if (herald.config().get(Settings.WORK_CONSUMERS) > 0) {
                var pool = herald.pipeline().startConsumers();
                System.out.println("  with " + herald.config().get(Settings.WORK_CONSUMERS) + " notification consumers as " + pool.name());
            }
            if (herald.settings().backup().scheduled()) {
                herald.backups().start();
                System.out.println("  with scheduled backups " + herald.backups().describe());
            }
        } catch (RuntimeException e) {
            herald.close(); // e.g. the port is taken: stop the embedded database now, not at embedded.stop-wait
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            http.close();
            herald.close();
            stopped.countDown();
        }, "herald-shutdown"));
        stopped.await();
        return 0;
    }
}
