package dev.herald.bench.email;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.herald.bench.BenchReport;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import dev.herald.contacts.Channel;
import dev.herald.contacts.ContactTarget;
import dev.herald.senders.ChannelSender;
import dev.herald.senders.SendOutcome;
import dev.herald.senders.SmtpSettings;
import dev.herald.senders.WebhookSettings;
import dev.herald.templates.RenderedMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./herald bench email-burst}: a burst of emails through Herald's email sender to a local SMTP server (GreenMail
 * on loopback, in this JVM), with a new SMTP connection per message ({@code delivery.smtp.pool-size=0}, the design
 * before the session pool) and with kept-alive sessions (the default pool), side by side in one run, each after an
 * unmeasured warm-up. Per side: throughput and the send latency (p50/p99/max, HdrHistogram), and the SMTP connections
 * opened. The burst is {@code --concurrency} senders (as consumers would be) sending {@code --messages} messages.
 * Writes {@code bench-results/email-burst.json}.
 */
@Command(name = "email-burst", mixinStandardHelpOptions = true,
        description = "An email burst to a local SMTP server: a connection per message against the pool of kept sessions.")
public final class EmailBurstBench implements Callable<Integer> {
    @Option(names = "--messages", defaultValue = "3000", description = "Messages per side. Default: ${DEFAULT-VALUE}")
    int messages;

    @Option(names = "--concurrency", defaultValue = "8", description = "Concurrent senders. Default: ${DEFAULT-VALUE}")
    int concurrency;

    @Option(names = "--pool-size", defaultValue = "4", description = "delivery.smtp.pool-size of the pooled side. Default: ${DEFAULT-VALUE}")
    int poolSize;

    @Option(names = "--quick", description = "A short run: 400 messages per side")
    boolean quick;

    /** One side's figures. */
    record Side(String name, int messages, double seconds, Histogram latency, long failures) {
        double perSecond() { return messages / seconds; }
    }

    @Override
    public Integer call() throws Exception {
        int n = quick ? Math.min(messages, 400) : messages;
        if (n < 1 || concurrency < 1 || poolSize < 1) throw new IllegalArgumentException("need --messages, --concurrency and --pool-size of at least 1");
        GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        try {
            int port = smtp.getSmtp().getPort();
            RenderedMessage message = message();
            List<Side> sides = new ArrayList<>();
            for (String side : List.of("connection-per-message", "pooled")) {
                int size = side.equals("pooled") ? poolSize : 0;
                try (ChannelSender sender = sender(port, size)) {
                    burst(sender, Math.max(200, n / 5), message); // warm-up: JIT, GreenMail's and our own
                    sides.add(measure(side, sender, n, message));
                }
                smtp.purgeEmailFromAllMailboxes();
            }
            report(sides, n);
        } finally {
            smtp.stop();
        }
        return 0;
    }

    private static ChannelSender sender(int port, int poolSize) {
        HeraldConfig c = HeraldConfig.defaults(Map.of(Settings.SMTP_HOST.key(), "127.0.0.1", Settings.SMTP_PORT.key(), Integer.toString(port),
                Settings.SMTP_FROM.key(), "Herald <alerts@herald.test>", Settings.SMTP_POOL_SIZE.key(), Integer.toString(poolSize)));
        return ChannelSender.fromSettings(WebhookSettings.from(c), SmtpSettings.from(c), null, dev.herald.secrets.SecretBox.plaintextOnly()); // email carries no sealed secret
    }

    private static RenderedMessage message() {
        String text = "Incident: power outage at Main St, severity 4. ".repeat(30);
        return new RenderedMessage(null, "Power outage at Main St", text, "<p>" + text + "</p>");
    }

    private Histogram burst(ChannelSender sender, int n, RenderedMessage message) throws Exception {
        Histogram h = new Histogram(60_000_000L, 3);
        ContactTarget to = new ContactTarget(UUID.randomUUID(), UUID.randomUUID(), Channel.EMAIL, "ops@example.com", null, null);
        long[] failures = {0};
        try (ExecutorService pool = Executors.newFixedThreadPool(concurrency)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < concurrency; t++) {
                int share = n / concurrency + (t < n % concurrency ? 1 : 0);
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < share; i++) {
                        long t0 = System.nanoTime();
                        SendOutcome o = sender.send(to, UUID.randomUUID(), 1, message);
                        long us = (System.nanoTime() - t0) / 1000;
                        synchronized (h) {
                            h.recordValue(Math.min(us, h.getHighestTrackableValue()));
                            if (!(o instanceof SendOutcome.Delivered)) failures[0]++;
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
        }
        if (failures[0] > 0) throw new IllegalStateException(failures[0] + " emails were not accepted by the local SMTP server");
        return h;
    }

    private Side measure(String name, ChannelSender sender, int n, RenderedMessage message) throws Exception {
        long t0 = System.nanoTime();
        Histogram h = burst(sender, n, message);
        double s = (System.nanoTime() - t0) / 1e9;
        System.err.printf(Locale.ROOT, "email-burst %s: %,d messages in %.2f s (%.0f/s), p50 %.2f p99 %.2f ms%n", name, n, s, n / s,
                BenchReport.pctMs(h, 50), BenchReport.pctMs(h, 99));
        return new Side(name, n, s, h, 0);
    }

    private void report(List<Side> sides, int n) {
        BenchReport r = new BenchReport("email-burst");
        ObjectNode j = r.json();
        j.put("messages", n);
        j.put("concurrency", concurrency);
        j.put("pool_size", poolSize);
        j.put("smtp_server", "GreenMail on loopback, in the benchmark's JVM");
        r.header("side", "msgs/s", "p50 ms", "p99 ms", "max ms");
        for (Side s : sides) {
            ObjectNode o = j.putObject(s.name().replace('-', '_'));
            o.put("msgs_per_s", Math.round(s.perSecond() * 10) / 10.0);
            o.put("drain_s", Math.round(s.seconds() * 1000) / 1000.0);
            o.put("p50_ms", BenchReport.pctMs(s.latency(), 50));
            o.put("p99_ms", BenchReport.pctMs(s.latency(), 99));
            o.put("max_ms", s.latency().getMaxValue() / 1000.0);
            r.row(s.name(), String.format(Locale.ROOT, "%.0f", s.perSecond()), BenchReport.ms(BenchReport.pctMs(s.latency(), 50)),
                    BenchReport.ms(BenchReport.pctMs(s.latency(), 99)), BenchReport.ms(s.latency().getMaxValue() / 1000.0));
        }
        Side before = sides.get(0), after = sides.get(1);
        j.put("throughput_ratio", Math.round(after.perSecond() / before.perSecond() * 100) / 100.0);
        j.put("p99_ratio", Math.round(BenchReport.pctMs(before.latency(), 99) / Math.max(0.001, BenchReport.pctMs(after.latency(), 99)) * 100) / 100.0);
        r.row("pooled / per-message", String.format(Locale.ROOT, "%.2fx", j.get("throughput_ratio").asDouble()), "",
                String.format(Locale.ROOT, "%.2fx lower", j.get("p99_ratio").asDouble()), "");
        r.finish();
    }
}
