package dev.herald.infra;

/**
 * A database operation failed for good: after its retries, or at once when retrying was unsafe.
 * {@link #kind()} tells callers (e.g. the HTTP layer, which answers 503 for {@code TIMEOUT} and {@code UNAVAILABLE}) what happened.
 */
public final class DatabaseException extends RuntimeException {
    /** What went wrong. */
    public enum Kind {
        /** A statement or lock timeout, or the total retry deadline ran out. */
        TIMEOUT,
        /** The server could not be reached or dropped the connection. */
        UNAVAILABLE,
        /** A constraint was violated (unique, foreign key, check). */
        CONSTRAINT,
        /** Anything else: a bug or an unexpected server error. */
        OTHER
    }

    private final Kind kind;
    private final String sqlState;
    private final String operation;
    private final int attempts;

    public DatabaseException(Kind kind, String operation, int attempts, String sqlState, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.operation = operation;
        this.attempts = attempts;
        this.sqlState = sqlState;
    }

    public Kind kind() { return kind; }

    /** The SQLSTATE of the last failure, or null. */
    public String sqlState() { return sqlState; }

    /** The named operation that failed. */
    public String operation() { return operation; }

    /** How many attempts were made. */
    public int attempts() { return attempts; }
}
