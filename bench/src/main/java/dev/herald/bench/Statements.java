package dev.herald.bench;

import dev.herald.Herald;
import java.sql.ResultSet;

/**
 * {@code --statements} of the benchmarks: which statements took the database's time during a measured interval, from
 * {@code pg_stat_statements} (preloaded by the embedded server; tracks nested statements too, so the statements a
 * trigger or function runs appear on their own rows beside the statement that fired them, {@code top} = false).
 * Reset at the start of the interval, printed at its end. Not thread-safe across benchmarks sharing a database.
 */
public final class Statements {
    private static final String RESET = "SELECT pg_stat_statements_reset()";
    private static final String TOP = """
            SELECT calls, round(total_exec_time::numeric, 1) AS total_ms, round((total_exec_time / calls)::numeric, 3) AS mean_ms,
                   toplevel, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query
            FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25""";

    private Statements() {}

    /** Forgets what was counted so far: the next {@link #print} covers only what runs after this. */
    public static void reset(Herald herald) {
        herald.db().write("Statements.RESET", c -> {
            try (var st = c.createStatement()) {
                st.execute(RESET);
            }
            return null;
        });
    }

    /** Prints the 25 statements with the most execution time since {@link #reset}, to stdout, under {@code label}. */
    public static void print(Herald herald, String label) {
        BenchReport t = new BenchReport("unused");
        t.header("calls", "total ms", "mean ms", "top", "statement (" + label + ")");
        herald.db().read("Statements.TOP", c -> {
            try (var st = c.createStatement(); ResultSet rs = st.executeQuery(TOP)) {
                while (rs.next()) t.row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5));
            }
            return null;
        });
        t.printTable();
    }
}
