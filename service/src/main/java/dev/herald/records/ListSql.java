package dev.herald.records;

/**
 * The statements of one keyset-paginated list, built from one column list and one {@code FROM ... WHERE} clause whose
 * parameters are the list's filters (organization first), in one of three orders ({@link Order}); every list of the
 * API pages through here ({@link RecordSql#page}), so {@code next_cursor}, {@code has_more} and {@code total} mean the
 * same everywhere.
 *
 * <ul>
 *   <li>{@link #page(boolean)}: filters, then the cursor condition (none on the first page) and {@code LIMIT ?}
 *       (limit + 1 rows, the extra one tells has_more);</li>
 *   <li>{@link #counted(boolean)}: the same page with {@code COUNT(*) OVER()} over the whole filtered list, the cursor
 *       applied after the window, so {@code total} is the list's on every page, never the remainder's;</li>
 *   <li>{@link #count()}: the fallback count when a counted page comes back empty.</li>
 * </ul>
 *
 * @param name      the operation name, e.g. {@code Locations.LIST_BY_ORG}
 * @param columns   the selected columns (unqualified names of the one table; {@code id}, and {@code created_at} for the
 *                  time orders, among them)
 * @param fromWhere {@code table WHERE ...} with {@code ?} for each filter
 * @param order     the order of the list and so the shape of its cursor
 */
public record ListSql(String name, String columns, String fromWhere, Order order) {
    /** How a list is ordered; the cursor is the sort key of the last row of the previous page. */
    public enum Order {
        /** By id; cursor: the id. */
        ID("id", "id > ?"),
        /** Oldest first by (created_at, id); cursor: {@code created_at|id}. */
        OLDEST_FIRST("created_at, id", "(created_at, id) > (?, ?)"),
        /** Newest first by (created_at, id); cursor: {@code created_at|id}. */
        NEWEST_FIRST("created_at DESC, id DESC", "(created_at, id) < (?, ?)");

        final String orderBy;
        final String after;

        Order(String orderBy, String after) {
            this.orderBy = orderBy;
            this.after = after;
        }
    }

    /** A list ordered by id. */
    public ListSql(String name, String columns, String fromWhere) {
        this(name, columns, fromWhere, Order.ID);
    }

    public String page(boolean first) {
        return "SELECT " + columns + " FROM " + fromWhere + (first ? "" : " AND " + order.after) + " ORDER BY " + order.orderBy + " LIMIT ?";
    }

    public String counted(boolean first) {
        return "SELECT * FROM (SELECT " + columns + ", count(*) OVER () AS total_count FROM " + fromWhere
                + ") listed" + (first ? "" : " WHERE " + order.after) + " ORDER BY " + order.orderBy + " LIMIT ?";
    }

    public String count() {
        return "SELECT count(*) FROM " + fromWhere;
    }
}
