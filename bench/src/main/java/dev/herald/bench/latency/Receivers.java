package dev.herald.bench.latency;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The parent's side of {@link ReceiverMain}: starts it as a child JVM on this JVM's class path, hands it the contacts'
 * secrets on stdin (never on the command line), reads back its ports, then turns each line it prints into a
 * {@link Receipt} for the listener, on one reader thread. Its stderr goes to {@code bench-results/latency-receivers.log}.
 * Close it to stop the child.
 */
public final class Receivers implements AutoCloseable {
    /**
     * One request as the receiver saw it: contact index, signature verified, wall-clock receipt (epoch micros),
     * webhook-id, body marker ({@code -} when none), body length in characters.
     */
    public record Receipt(int contact, boolean valid, long receivedEpochMicros, String webhookId, String marker, int bodyChars) {}

    private final Process process;
    private final OutputStream stdin;
    private final List<String> urls = new ArrayList<>();
    private final Thread reader;

    public Receivers(List<String> secrets, Consumer<Receipt> listener) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = Path.of("bench-results", "latency-receivers.log");
        log.toFile().getParentFile().mkdirs();
        process = new ProcessBuilder(java, "-Xss1m", "-Xmx256m", "-cp", System.getProperty("java.class.path"), ReceiverMain.class.getName())
                .redirectError(log.toFile()).start();
        stdin = process.getOutputStream();
        stdin.write((String.join("\n", secrets) + "\n\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8), 1 << 16);
        for (String line = out.readLine(); ; line = out.readLine()) {
            if (line == null) throw new IOException("the receiver process exited before it was ready; see " + log);
            if (line.equals("READY")) break;
            if (line.startsWith("PORT ")) urls.add("http://127.0.0.1:" + line.split(" ")[2] + "/hooks");
        }
        reader = Thread.ofPlatform().daemon().name("latency-receipts").start(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    String[] f = line.split(" ");
                    if (f.length == 7 && f[0].equals("R")) {
                        listener.accept(new Receipt(Integer.parseInt(f[1]), f[2].equals("1"), Long.parseLong(f[3]), f[4], f[5],
                                Integer.parseInt(f[6])));
                    }
                }
            } catch (IOException e) {
                // the child ended
            }
        });
    }

    /** The receivers' URLs, one per secret, in the secrets' order. */
    public List<String> urls() { return urls; }

    /** The receiver process's id (its CPU is not Herald's). */
    public long pid() { return process.pid(); }

    @Override
    public void close() {
        try {
            stdin.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
            reader.join(5000);
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
