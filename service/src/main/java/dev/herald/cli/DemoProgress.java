package dev.herald.cli;

import dev.herald.pipeline.PipelineStats;
import java.time.OffsetDateTime;
import java.util.UUID;

/** The demo's live progress line: changes written, queued, delivered, delivered per second. Not thread-safe. */
final class DemoProgress {
    private final PipelineStats stats;
    private final UUID org;
    private final OffsetDateTime since;
    private final DemoReceiver receiver;
    private final boolean console = System.console() != null;
    private long lastPrint;
    private long lastDelivered;
    private long lastAt = System.nanoTime();

    DemoProgress(PipelineStats stats, UUID org, OffsetDateTime since, DemoReceiver receiver) {
        this.stats = stats;
        this.org = org;
        this.since = since;
        this.receiver = receiver;
    }

    void maybePrint(long changes, boolean force) {
        long now = System.nanoTime();
        long every = console ? 250_000_000L : 2_000_000_000L;
        if (!force && now - lastPrint < every) return;
        lastPrint = now;
        PipelineStats.Counts c = stats.counts(org, since);
        double perSecond = (c.delivered() - lastDelivered) / Math.max(1e-9, (now - lastAt) / 1e9);
        lastDelivered = c.delivered();
        lastAt = now;
        String line = String.format("changes %6d | queued %5d | delivered %6d | superseded %5d | %7.1f/s | receiver %6d",
                changes, c.pending(), c.delivered(), c.superseded(), perSecond, receiver.distinctAccepted());
        if (console) {
            System.out.print("\r" + line);
        } else {
            System.out.println(line);
        }
        System.out.flush();
    }
}
