package dev.herald.senders;

import java.time.Duration;

/** What one send attempt came to. */
public sealed interface SendOutcome {
    /** The receiver took it (2xx, or SMTP accepted). */
    record Delivered(int status) implements SendOutcome {}

    /** A transient failure (timeout, 429, 5xx, SMTP 4xx): retry, no sooner than {@code retryAfter} when the receiver said so (else null). */
    record Retry(String reason, Duration retryAfter) implements SendOutcome {}

    /** A permanent failure (other 4xx, SMTP 5xx): do not retry. */
    record Failed(String reason) implements SendOutcome {}

    /** The receiver is gone (410): disable the contact. */
    record Disable(String reason) implements SendOutcome {}
}
