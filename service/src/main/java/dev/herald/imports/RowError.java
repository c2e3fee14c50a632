package dev.herald.imports;

/**
 * Why one row of an import file cannot be loaded.
 *
 * @param line   the 1-based line of the file where the row starts (the CSV header is line 1)
 * @param column the column (CSV header name or JSON key), or null when the whole row is wrong
 * @param reason what is wrong, in words a user can act on
 */
public record RowError(long line, String column, String reason) implements Comparable<RowError> {
    @Override
    public int compareTo(RowError o) {
        return Long.compare(line, o.line);
    }

    @Override
    public String toString() {
        return "line " + line + (column == null ? "" : ", column " + column) + ": " + reason;
    }
}
