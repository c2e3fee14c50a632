package dev.herald.infra;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done on one connection; may run more than once when it is retried, so it must not keep state between runs. */
@FunctionalInterface
public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
}
