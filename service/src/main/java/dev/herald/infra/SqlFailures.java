package dev.herald.infra;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * Classifies database failures for the retry rules of {@link Database}.
 *
 * <ul>
 *   <li>Serialization failure (40001) and deadlock (40P01): the server rolled the transaction back, so any operation
 *       may be retried.</li>
 *   <li>No connection could be acquired from the pool: nothing was sent, so any operation may be retried.</li>
 *   <li>Statement or lock timeout (57014, 55P03), connection loss (class 08), admin/crash shutdown (57P01, 57P02),
 *       server starting (57P03), too many connections (53300): a read may be retried; a write may have committed
 *       and is retried only when it is idempotent by construction.</li>
 * </ul>
 */
final class SqlFailures {
    private SqlFailures() {}

    static SQLException sqlCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException s && s.getSQLState() != null) {
                return s;
            }
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException s) {
                return s;
            }
        }
        return null;
    }

    static String state(Throwable t) {
        SQLException s = sqlCause(t);
        return s == null ? null : s.getSQLState();
    }

    /** The server rolled the transaction back, or nothing was sent: safe to retry anything. */
    static boolean safeForAnyRetry(Throwable t) {
        String st = state(t);
        if ("40001".equals(st) || "40P01".equals(st)) {
            return true;
        }
        return notSent(t);
    }

    /** The pool could not hand out a connection: the operation never reached the server. */
    static boolean notSent(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLTransientConnectionException && c.getMessage() != null
                    && c.getMessage().contains("Connection is not available")) {
                return true;
            }
        }
        return false;
    }

    /** Failures after which a read (or an idempotent write) may be retried. */
    static boolean transientForReads(Throwable t) {
        if (safeForAnyRetry(t)) {
            return true;
        }
        String st = state(t);
        if (st == null) {
            return false;
        }
        return st.startsWith("08") || isTimeout(st)
                || st.equals("57P01") || st.equals("57P02") || st.equals("57P03") || st.equals("53300");
    }

    /** The client lost its connection or stopped waiting for the answer (class 08: I/O error, socket timeout). */
    static boolean connectionLost(Throwable t) {
        String st = state(t);
        return st != null && st.startsWith("08");
    }

    static boolean isTimeout(String st) {
        return "57014".equals(st) || "55P03".equals(st);
    }

    static DatabaseException.Kind kindOf(Throwable t) {
        String st = state(t);
        if (st == null) {
            return notSent(t) ? DatabaseException.Kind.UNAVAILABLE : DatabaseException.Kind.OTHER;
        }
        if (isTimeout(st)) return DatabaseException.Kind.TIMEOUT;
        if (st.startsWith("08") || st.startsWith("57P") || st.equals("53300")) return DatabaseException.Kind.UNAVAILABLE;
        if (st.startsWith("23")) return DatabaseException.Kind.CONSTRAINT;
        return DatabaseException.Kind.OTHER;
    }
}
