package dev.herald.records;

/**
 * The three statements of one keyset-paginated list, built from one column list and one {@code FROM ... WHERE} clause
 * whose parameters are the list's filters (organization first). Rows are ordered by {@code id}; the cursor is the last
 * id of the previous page.
 *
 * <ul>
 *   <li>{@link #page()}: filters, then {@code id > ?} and {@code LIMIT ?} (limit + 1 rows, the extra one tells has_more);</li>
 *   <li>{@link #counted()}: the same page with {@code COUNT(*) OVER()} over the whole filtered list (cursor applied
 *       after the window, so the total is the list's, not the remainder's);</li>
 *   <li>{@link #count()}: the fallback count when a counted page comes back empty.</li>
 * </ul>
 *
 * @param name      the operation name, e.g. {@code Locations.LIST_BY_ORG}
 * @param columns   the selected columns (unqualified names of the one table)
 * @param fromWhere {@code table WHERE ...} with {@code ?} for each filter
 */
public record ListSql(String name, String columns, String fromWhere) {

    public String page() {
        return "SELECT " + columns + " FROM " + fromWhere + " AND id > ? ORDER BY id LIMIT ?";
    }

    public String counted() {
        return "SELECT * FROM (SELECT " + columns + ", count(*) OVER () AS total_count FROM " + fromWhere
                + ") listed WHERE id > ? ORDER BY id LIMIT ?";
    }

    public String count() {
        return "SELECT count(*) FROM " + fromWhere;
    }
}
