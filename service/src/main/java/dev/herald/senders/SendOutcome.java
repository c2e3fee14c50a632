package dev.herald.senders;

import java.time.Duration;

/**
 * What one send attempt came to, with what the attempt log keeps of it: the receiver's status (HTTP status or SMTP reply
 * code; null when none came), the start of its answer ({@link #EXCERPT_CHARS} characters at most), and for a failure
 * its class ({@code timeout}, {@code connect}, {@code io}, {@code http_status}, {@code smtp}, {@code refused_target},
 * {@code misconfigured}, {@code render}...). Immutable.
 */
public sealed interface SendOutcome {
    /** Longest excerpt of a receiver's answer kept with an attempt. */
    int EXCERPT_CHARS = 1024;

    /** The receiver's status code, or null when it answered none. */
    Integer code();

    /** The first characters of the receiver's answer, or null. */
    String excerpt();

    /** The class of a failure (null for a delivery). */
    default String errorClass() { return null; }

    /** Why the send did not deliver (null for a delivery). */
    String reason();

    /** The receiver took it (2xx, or SMTP accepted). */
    record Delivered(int status, String excerpt) implements SendOutcome {
        public Delivered(int status) { this(status, null); }
        @Override public Integer code() { return status; }
        @Override public String reason() { return null; }
    }

    /**
     * A transient failure (timeout, 429, 5xx, SMTP 4xx): retry, no sooner than {@code retryAfter} when the receiver said
     * so (else null).
     */
    record Retry(String reason, Duration retryAfter, String errorClass, Integer code, String excerpt) implements SendOutcome {
        public Retry(String reason, Duration retryAfter) { this(reason, retryAfter, "send_error", null, null); }
    }

    /** A permanent failure (other 4xx, SMTP 5xx): do not retry. */
    record Failed(String reason, String errorClass, Integer code, String excerpt) implements SendOutcome {
        public Failed(String reason) { this(reason, "send_error", null, null); }
    }

    /** The receiver is gone (410): disable the contact. */
    record Disable(String reason, Integer code, String excerpt) implements SendOutcome {
        public Disable(String reason) { this(reason, 410, null); }
        @Override public String errorClass() { return "http_status"; }
    }

    /** {@code s} cut to {@link #EXCERPT_CHARS} characters (null stays null). */
    static String excerptOf(String s) {
        if (s == null || s.isEmpty()) return null;
        return s.length() <= EXCERPT_CHARS ? s : s.substring(0, EXCERPT_CHARS);
    }
}
