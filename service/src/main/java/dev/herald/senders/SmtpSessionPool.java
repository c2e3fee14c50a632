package dev.herald.senders;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Kept-alive SMTP sessions to the one configured server ({@code delivery.smtp.host:port}), so a burst of email does not
 * pay a TCP connect, greeting, EHLO, STARTTLS and AUTH per message. Bounded: at most {@code delivery.smtp.pool-size}
 * sessions exist at once (a send waits up to {@code delivery.smtp.timeout} for one, then is retried later like any
 * transient SMTP failure). A session idle longer than {@code delivery.smtp.pool-idle} is closed instead of reused (the
 * server has likely dropped it), and one is closed after {@code delivery.smtp.pool-max-messages} messages (servers
 * limit messages per connection). A reused session is not pinged first (a NOOP per message would cost a round trip):
 * a send that fails on it without an SMTP reply (the server dropped the connection while it sat idle) is sent once
 * more on a fresh session; a failure with a reply code, or on a fresh
 * session, is the outcome. {@code pool-size 0} = no pool: one connection per message. Thread-safe.
 */
final class SmtpSessionPool implements AutoCloseable {
    /** One connected transport and what it did. */
    static final class Pooled {
        final Transport transport;
        long lastUsedNanos;
        int messages;
        /** Connected for this send (not reused): a failure on it is the server's answer, not a stale session. */
        boolean fresh;

        Pooled(Transport transport, boolean fresh) {
            this.transport = transport;
            this.fresh = fresh;
            this.lastUsedNanos = System.nanoTime();
        }
    }

    /** What a send does on a connected transport. */
    interface Work {
        void on(Transport t) throws MessagingException;
    }

    private final Session session;
    private final String user;
    private final String password;
    private final int size;
    private final long idleNanos;
    private final int maxMessages;
    private final Duration waitForSession;
    private final Semaphore permits;
    private final Deque<Pooled> idle = new ArrayDeque<>();
    private volatile long connects;
    private volatile boolean closed;

    SmtpSessionPool(Session session, String user, String password, int size, Duration idle, int maxMessages, Duration waitForSession) {
        this.session = session;
        this.user = user;
        this.password = password;
        this.size = size;
        this.idleNanos = idle.toNanos();
        this.maxMessages = maxMessages;
        this.waitForSession = waitForSession;
        this.permits = new Semaphore(Math.max(1, size), true);
    }

    /**
     * Runs {@code work} on a connected session (kept for the next send when it succeeded), reconnecting once when a
     * reused session turns out dead. Throws the last failure.
     */
    void send(Work work) throws MessagingException {
        if (size == 0) { // no pool: the connection-per-message path
            Transport t = connect();
            try {
                work.on(t);
            } finally {
                closeQuietly(t);
            }
            return;
        }
        try {
            if (!permits.tryAcquire(waitForSession.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new MessagingException("all " + size + " SMTP sessions stayed busy for " + waitForSession.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessagingException("interrupted waiting for an SMTP session");
        }
        try {
            Pooled p = borrow();
            try {
                work.on(p.transport);
            } catch (MessagingException e) {
                closeQuietly(p.transport);
                if (p.fresh || EmailSender.replyCodeOf(e) != null) throw e;
                p = new Pooled(connect(), true); // the server dropped the idle session: once more on a fresh one
                try {
                    work.on(p.transport);
                } catch (MessagingException again) {
                    closeQuietly(p.transport);
                    throw again;
                }
            }
            giveBack(p);
        } finally {
            permits.release();
        }
    }

    private Pooled borrow() throws MessagingException {
        long now = System.nanoTime();
        while (true) {
            Pooled p;
            synchronized (idle) {
                p = idle.pollFirst(); // the most recently used: the likeliest to be alive
            }
            if (p == null) return new Pooled(connect(), true);
            if (now - p.lastUsedNanos <= idleNanos) {
                p.fresh = false;
                return p;
            }
            closeQuietly(p.transport);
        }
    }

    private void giveBack(Pooled p) {
        p.messages++;
        p.lastUsedNanos = System.nanoTime();
        if (closed || p.messages >= maxMessages) {
            closeQuietly(p.transport);
            return;
        }
        synchronized (idle) {
            idle.addFirst(p);
        }
    }

    private Transport connect() throws MessagingException {
        Transport t = session.getTransport();
        if (user != null) t.connect(user, password);
        else t.connect();
        connects++;
        return t;
    }

    /** SMTP connections opened so far (for tests and the benchmark). */
    long connects() { return connects; }

    /** Sessions connected and idle now. */
    int idleSessions() {
        synchronized (idle) {
            return idle.size();
        }
    }

    private static void closeQuietly(Transport t) {
        try {
            t.close();
        } catch (MessagingException | RuntimeException ignored) {
            // closing a session that is already gone
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (idle) {
            idle.forEach(p -> closeQuietly(p.transport));
            idle.clear();
        }
    }
}
