package dev.herald.cli;

import dev.herald.pipeline.PipelineStats;
import java.io.PrintStream;
import java.util.List;

/** The end of the demo: one delivered webhook as the receiver saw it, per-step timings, counts, and the verdict. */
record DemoReport(DemoReceiver receiver, List<PipelineStats.Step> steps, PipelineStats.Counts counts, long changes,
                  long contextsAssembled) {

    /** Prints the report and answers the exit code: 0 when everything queued was delivered, once, verified. */
    int print(PrintStream out) {
        String sample = receiver.lastValid();
        out.println("One delivered webhook, as the receiver saw it:");
        out.println(sample == null ? "  (none)" : sample.indent(2));
        out.println("Per-step timings of delivered work units (ms):");
        out.printf("  %-10s %8s %10s %10s %10s%n", "step", "count", "p50", "p99", "max");
        for (PipelineStats.Step s : steps) {
            out.printf("  %-10s %8d %10.2f %10.2f %10.2f%n", s.step(), s.count(), s.p50(), s.p99(), s.max());
        }
        out.println();
        long duplicates = receiver.duplicates();
        out.printf("  incident changes written      %8d%n", changes);
        out.printf("  work units queued             %8d%n", counts.total());
        out.printf("  delivered                     %8d%n", counts.delivered());
        out.printf("  superseded (newer state sent) %8d%n", counts.superseded());
        out.printf("  retried, then delivered       %8d%n", counts.retried());
        out.printf("  throttled / failed            %8d / %d%n", counts.throttled(), counts.failed());
        out.printf("  dead                          %8d%n", counts.dead());
        out.printf("  still queued                  %8d%n", counts.pending());
        out.printf("  contexts assembled            %8d%n", contextsAssembled);
        out.printf("  receiver: distinct webhook-ids %7d, duplicates %d, bad signatures %d%n",
                receiver.distinctAccepted(), duplicates, receiver.invalidSignatures());
        boolean ok = counts.pending() == 0 && counts.dead() == 0 && counts.failed() == 0
                && receiver.distinctAccepted() == counts.delivered() && receiver.invalidSignatures() == 0;
        out.println(ok ? "\nEverything queued was delivered." : "\nNot everything queued was delivered (see the counts above).");
        return ok ? 0 : 1;
    }
}
