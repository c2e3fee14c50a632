package dev.herald.cli;

import dev.herald.Herald;
import dev.herald.config.Settings;
import dev.herald.pipeline.ConsumerPool;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./herald worker}: notification consumers only, no HTTP API; any number of workers share one database. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run notification consumers only (no HTTP API) until stopped; start as many worker processes as you like on one database.")
final class WorkerCommand implements Callable<Integer> {
    @Mixin DbOptions db;

    @Option(names = "--consumers", paramLabel = "N", description = "Consumers in this process (default: setting work.consumers)")
    Integer consumers;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> flags = new LinkedHashMap<>();
        if (consumers != null) {
            if (consumers < 1) throw new CommandFailure("--consumers must be at least 1, got " + consumers);
            flags.put(Settings.WORK_CONSUMERS.key(), consumers.toString());
        }
        Herald herald = Herald.open(db.load(flags));
        int n = herald.config().get(Settings.WORK_CONSUMERS);
        if (n < 1) {
            herald.close();
            throw new CommandFailure("work.consumers is 0: a worker with no consumers would do nothing");
        }
        ConsumerPool pool = herald.pipeline().startConsumers();
        System.out.println("Herald worker: " + n + " consumers as " + pool.name());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            herald.close();
            stopped.countDown();
        }, "herald-shutdown"));
        stopped.await();
        return 0;
    }
}
