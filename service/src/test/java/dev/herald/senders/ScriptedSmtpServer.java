package dev.herald.senders;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * A minimal real SMTP server on loopback that answers one chosen command with a chosen reply (e.g. RCPT with 550 or
 * DATA with 451), or never greets (hang), or drops each connection right after accepting a message (a server that
 * closed a kept-alive session), so permanent and transient SMTP failures can be exercised end to end. Counts the
 * connections it accepted and the messages it queued.
 */
final class ScriptedSmtpServer implements AutoCloseable {
    private final ServerSocket socket;
    private final String failVerb;
    private final String failReply;
    private final boolean hang;
    private boolean dropAfterMessage;
    private final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger messages = new java.util.concurrent.atomic.AtomicInteger();
    private final CountDownLatch closing = new CountDownLatch(1);

    private ScriptedSmtpServer(String failVerb, String failReply, boolean hang) throws IOException {
        this.socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        this.failVerb = failVerb;
        this.failReply = failReply;
        this.hang = hang;
        Thread.ofVirtual().start(this::acceptLoop);
    }

    /** Answers {@code verb} (EHLO, MAIL, RCPT, DATA-END) with {@code reply}, everything else with success. */
    static ScriptedSmtpServer failing(String verb, String reply) throws IOException {
        return new ScriptedSmtpServer(verb, reply, false);
    }

    /** Accepts connections and never says a word. */
    static ScriptedSmtpServer hanging() throws IOException {
        return new ScriptedSmtpServer(null, null, true);
    }

    /** Accepts every message and closes the connection right after each, without a word. */
    static ScriptedSmtpServer droppingAfterEachMessage() throws IOException {
        ScriptedSmtpServer s = new ScriptedSmtpServer(null, null, false);
        s.dropAfterMessage = true;
        return s;
    }

    int port() { return socket.getLocalPort(); }

    /** Connections accepted so far. */
    int connections() { return connections.get(); }

    /** Messages answered 250 after DATA so far. */
    int messages() { return messages.get(); }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                connections.incrementAndGet();
                Thread.ofVirtual().start(() -> converse(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void converse(Socket s) {
        try (s; var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
             OutputStream out = s.getOutputStream()) {
            if (hang) {
                closing.await();
                return;
            }
            say(out, "220 scripted ESMTP");
            String line;
            boolean inData = false;
            while ((line = in.readLine()) != null) {
                if (inData) {
                    if (line.equals(".")) {
                        inData = false;
                        // counted before the answer: the client may check the count as soon as it reads 250
                        if (!"DATA-END".equals(failVerb)) messages.incrementAndGet();
                        say(out, "DATA-END".equals(failVerb) ? failReply : "250 queued");
                        if (dropAfterMessage) return;
                    }
                    continue;
                }
                String verb = line.split("[ :]", 2)[0].toUpperCase(Locale.ROOT);
                if (verb.equals(failVerb)) {
                    say(out, failReply);
                    continue;
                }
                switch (verb) {
                    case "EHLO", "HELO" -> say(out, "250 scripted");
                    case "DATA" -> {
                        inData = true;
                        say(out, "354 go ahead");
                    }
                    case "QUIT" -> {
                        say(out, "221 bye");
                        return;
                    }
                    default -> say(out, "250 ok");
                }
            }
        } catch (IOException | InterruptedException ignored) {
            // the client went away
        }
    }

    private static void say(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        closing.countDown();
        socket.close();
    }
}
