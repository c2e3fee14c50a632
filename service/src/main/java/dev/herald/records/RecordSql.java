package dev.herald.records;

import dev.herald.api.Page;
import dev.herald.api.PageRequest;
import dev.herald.api.Requests;
import dev.herald.errors.DomainException;
import dev.herald.infra.Database;
import dev.herald.json.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * JDBC plumbing shared by the record features (incidents, intel requests, assets): reference checks inside a write
 * transaction, keyset-paginated lists, and null-safe column reads. Stateless and thread-safe.
 */
public final class RecordSql {
    /** The cursor of the first page: every id sorts after it. */

    private static final String ORGANIZATION_EXISTS = "SELECT 1 FROM organizations WHERE id = ?";

    private RecordSql() {}

    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** 422 naming {@code organization_id} when the organization does not exist (an admin key can name any id). */
    public static void requireOrganization(Connection c, UUID organizationId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ORGANIZATION_EXISTS)) {
            ps.setObject(1, organizationId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw DomainException.invalid("organization_id", "organization_id: organization " + organizationId + " does not exist");
                }
            }
        }
    }

    /**
     * Inside a write transaction: 422 naming {@code field} unless the record {@code id} of {@code table} exists, is live
     * and belongs to {@code organizationId}. The row is locked {@code FOR SHARE} so that it cannot be soft-deleted or
     * moved to another state before the referencing write commits.
     */
    public static void requireLive(Connection c, String table, String field, String label, UUID id, UUID organizationId)
            throws SQLException {
        // table is one of a fixed set of names from the calling code, never from input
        String sql = "SELECT 1 FROM " + table + " WHERE id = ? AND organization_id = ? AND deleted_at IS NULL FOR SHARE";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, id);
            ps.setObject(2, organizationId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw DomainException.invalid(field, field + ": " + label + " " + id + " does not exist in this organization");
                }
            }
        }
    }

    /** Runs a query with the given parameters and maps every row. */
    public static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) ps.setObject(i + 1, params[i]);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) out.add(mapper.map(rs));
                return out;
            }
        }
    }

    /** The first mapped row, or null. */
    public static <T> T one(Connection c, String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        List<T> rows = query(c, sql, mapper, params);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /**
     * One page of a list: {@code limit + 1} rows after the cursor; with {@code count=true} the window-counted variant
     * and, when the page is empty, the fallback count. One read (two statements only for an empty counted page).
     *
     * @param key the sort key of a row, as the cursor carries it: its id ({@link ListSql.Order#ID}) or
     *            {@code created_at|id} (the time orders)
     */
    public static <T> Page<T> page(Database db, ListSql sql, PageRequest req, RowMapper<T> mapper,
                                   java.util.function.Function<T, ?> key, Object... filters) {
        Object[] cursor = req.after() == null ? new Object[0] : cursor(sql.order(), req.after());
        boolean first = cursor.length == 0;
        Object[] params = new Object[filters.length + cursor.length + 1];
        System.arraycopy(filters, 0, params, 0, filters.length);
        System.arraycopy(cursor, 0, params, filters.length, cursor.length);
        params[params.length - 1] = req.limit() + 1;
        java.util.function.Function<T, String> cursorOf = r -> String.valueOf(key.apply(r));
        return db.read(sql.name(), c -> {
            if (!req.count()) {
                return Page.of(query(c, sql.page(first), mapper, params), req, cursorOf, null);
            }
            long[] total = {-1};
            List<T> rows = query(c, sql.counted(first), rs -> {
                total[0] = rs.getLong("total_count");
                return mapper.map(rs);
            }, params);
            if (rows.isEmpty()) {
                total[0] = one(c, sql.count(), rs -> rs.getLong(1), filters);
            }
            return Page.of(rows, req, cursorOf, total[0]);
        });
    }

    /** The cursor's parameters for {@code order}; a malformed cursor is refused. */
    private static Object[] cursor(ListSql.Order order, String after) {
        if (order == ListSql.Order.ID) return new Object[] {Requests.uuid(after, "cursor")};
        int bar = after.indexOf('|');
        OffsetDateTime at;
        UUID id;
        try {
            at = OffsetDateTime.parse(after.substring(0, bar));
            id = UUID.fromString(after.substring(bar + 1));
        } catch (RuntimeException e) {
            throw DomainException.malformed("cursor is malformed; pass back the next_cursor of the previous page");
        }
        if (!Json.storable(at)) { // a year PostgreSQL cannot compare with would fail the query, not match nothing
            throw DomainException.malformed("cursor is malformed (its timestamp is outside the years 1-9999); pass back the next_cursor of the previous page");
        }
        return new Object[] {at, id};
    }

    /** A {@code bigint[]} parameter (e.g. a retry schedule in milliseconds); null stays null. */
    public static java.sql.Array int8Array(Connection c, long[] values) throws SQLException {
        if (values == null) return null;
        Long[] boxed = new Long[values.length];
        for (int i = 0; i < values.length; i++) boxed[i] = values[i];
        return c.createArrayOf("int8", boxed);
    }

    /** A {@code bigint[]} column as longs; null stays null. */
    public static long[] longs(java.sql.Array a) throws SQLException {
        if (a == null) return null;
        Object[] values = (Object[]) a.getArray();
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) out[i] = ((Number) values[i]).longValue();
        return out;
    }

    public static OffsetDateTime time(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class);
    }

    public static UUID uuid(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, UUID.class);
    }

    public static Integer integer(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }
}
