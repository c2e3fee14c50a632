package dev.herald.records;

import dev.herald.api.Caller;
import dev.herald.errors.DomainException;
import dev.herald.infra.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import java.util.function.Function;

/**
 * What the soft-deleted record tables (incidents, outages, internet outages, intel requests) do alike: lock a live row
 * by id for a change, visible only to the caller's organization (another organization's row and a missing one both
 * answer not found, so the answer never tells that someone else's id exists), and soft-delete under that lock. Each
 * table keeps only what is its own: columns, mapping, validation, its update. Immutable and thread-safe.
 *
 * @param <T> the record type
 */
public final class RecordTable<T> {
    private final String label;
    private final String lock;
    private final String softDelete;
    private final RecordSql.RowMapper<T> mapper;
    private final Function<T, UUID> organizationOf;

    /** A table whose soft delete sets {@code deleted_at} and {@code updated_at}. */
    public RecordTable(String table, String label, String columns, RecordSql.RowMapper<T> mapper, Function<T, UUID> organizationOf) {
        this(table, label, columns, "UPDATE " + table + " SET deleted_at = now(), updated_at = now() WHERE id = ?", mapper, organizationOf);
    }

    /**
     * @param table          the table name
     * @param label          the record as a message names it, e.g. {@code "internet outage"}
     * @param columns        the columns {@code mapper} reads
     * @param softDelete     the statement that soft-deletes the row whose id is its one parameter
     * @param organizationOf the owning organization of a row
     */
    public RecordTable(String table, String label, String columns, String softDelete, RecordSql.RowMapper<T> mapper,
                       Function<T, UUID> organizationOf) {
        this.label = label;
        this.lock = "SELECT " + columns + " FROM " + table + " WHERE id = ? AND deleted_at IS NULL FOR UPDATE";
        this.softDelete = softDelete;
        this.mapper = mapper;
        this.organizationOf = organizationOf;
    }

    /** The live row, locked until the transaction ends; not found when missing, deleted, or not the caller's. */
    public T lockVisible(Connection c, Caller caller, UUID id) throws SQLException {
        T cur = RecordSql.one(c, lock, mapper, id);
        if (cur == null || !caller.sees(organizationOf.apply(cur))) throw DomainException.notFound(label + " " + id);
        return cur;
    }

    /** Soft-deletes the caller's live row in one transaction named {@code name}; not found as in {@link #lockVisible}. */
    public void softDelete(Database db, String name, Caller caller, UUID id) {
        db.write(name, c -> {
            lockVisible(c, caller, id);
            try (PreparedStatement ps = c.prepareStatement(softDelete)) {
                ps.setObject(1, id);
                return ps.executeUpdate();
            }
        });
    }
}
