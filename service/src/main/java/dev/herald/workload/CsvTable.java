package dev.herald.workload;

import java.time.OffsetDateTime;
import java.util.List;

/** Rows of one table as CSV text for {@code COPY ... FROM STDIN (FORMAT csv)}; nulls are empty unquoted fields. Not thread-safe. */
final class CsvTable {
    final String table;
    final List<String> columns;
    private final StringBuilder sb = new StringBuilder(1 << 16);
    private long rows;

    CsvTable(String table, String... columns) {
        this.table = table;
        this.columns = List.of(columns);
    }

    void add(Object... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException(table + ": " + values.length + " values for " + columns.size() + " columns");
        }
        for (int i = 0; i < values.length; i++) {
            if (i > 0) sb.append(',');
            Object v = values[i];
            if (v == null) continue;
            String s = v instanceof OffsetDateTime t ? t.toString() : v.toString();
            if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.isEmpty()) {
                sb.append('"').append(s.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(s);
            }
        }
        sb.append('\n');
        rows++;
    }

    long rows() { return rows; }

    String csv() { return sb.toString(); }

    String copySql() {
        return "COPY " + table + " (" + String.join(", ", columns) + ") FROM STDIN (FORMAT csv)";
    }
}
