package dev.herald.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./herald bench <name>}: the benchmarks, each comparing Herald with a baseline on the same data in one run. */
@Command(name = "herald bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks: each prints a table and writes bench-results/<name>.json, with the machine's load average and steal time at its start and end.",
                "./herald bench NAME --repeat N runs NAME N times, each in its own JVM, and writes the median of every figure with its min and max."},
        subcommands = {dev.herald.bench.current.CurrentBench.class, WebhookOAuthBench.class, dev.herald.bench.ratelimit.RateLimitBench.class, dev.herald.bench.graph.GraphBench.class, dev.herald.bench.pipeline.PipelineBurstBench.class, dev.herald.bench.queue.QueueBench.class, dev.herald.bench.burst.BurstBench.class, dev.herald.bench.outage.OutageBench.class, dev.herald.bench.burst.HistoryBench.class, dev.herald.bench.fanout.FanoutBench.class, dev.herald.bench.impact.ImpactBench.class, dev.herald.bench.latency.LatencyBench.class, dev.herald.bench.email.EmailBurstBench.class, dev.herald.bench.gate.GateCommand.class})
public final class BenchMain implements Runnable {
    public static void main(String[] args) throws Exception {
        LoadSample start = LoadSample.START; // the machine's load when this benchmark began, before any of its work
        int repeat;
        try {
            repeat = dev.herald.bench.repeat.Repeat.count(args);
            if (repeat > 0) System.exit(dev.herald.bench.repeat.Repeat.run(repeat, args));
        } catch (IllegalArgumentException e) {
            System.err.println("herald bench: " + e.getMessage());
            System.exit(2);
        }
        CommandLine cl = new CommandLine(new BenchMain());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("herald bench: " + ex.getMessage());
            return 1;
        });
        System.exit(cl.execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
