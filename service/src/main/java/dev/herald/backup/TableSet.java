package dev.herald.backup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The tables and sequences of Herald's schema as the catalog lists them, so a table added by a later migration is
 * backed up without a change here. Tables come in foreign-key order (a referenced table before the tables that
 * refer to it), the order a restore loads them in. Stateless.
 */
final class TableSet {
    /** Every table of the schema but Flyway's own history (a restore recreates it by migrating). */
    static final String TABLES = """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
              AND c.relname <> 'flyway_schema_history'
            ORDER BY c.relname""";
    /** Foreign keys between the schema's tables: (referring table, referenced table). */
    static final String FOREIGN_KEYS = """
            SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint
            WHERE contype = 'f' AND connamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())""";
    /** A table's stored columns in order (generated columns are recomputed on load, never copied). */
    static final String COLUMNS = """
            SELECT attname FROM pg_attribute
            WHERE attrelid = ?::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
            ORDER BY attnum""";
    /** A table's primary-key columns, in key order: the order its rows are copied in. */
    static final String KEY_COLUMNS = """
            SELECT a.attname FROM pg_index i
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
            WHERE i.indrelid = ?::regclass AND i.indisprimary
            ORDER BY array_position(i.indkey::int2[], a.attnum)""";
    static final String SEQUENCES = """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind = 'S' ORDER BY c.relname""";
    /** The version of the schema as the Flyway history says (read in the backup's snapshot). */
    static final String SCHEMA_VERSION = """
            SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1""";

    private TableSet() {}

    /** The schema's tables with their columns, in load order. */
    static Map<String, List<String>> tables(Connection c) throws SQLException {
        List<String> names = strings(c, TABLES);
        Map<String, Set<String>> refers = new TreeMap<>();
        names.forEach(n -> refers.put(n, new LinkedHashSet<>()));
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(FOREIGN_KEYS)) {
            while (rs.next()) {
                String from = unquote(rs.getString(1)), to = unquote(rs.getString(2));
                if (refers.containsKey(from) && refers.containsKey(to) && !from.equals(to)) refers.get(from).add(to);
            }
        }
        List<String> ordered = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        for (String n : refers.keySet()) visit(n, refers, done, new LinkedHashSet<>(), ordered);
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String t : ordered) {
            try (PreparedStatement ps = c.prepareStatement(COLUMNS)) {
                ps.setString(1, quote(t));
                List<String> cols = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) cols.add(rs.getString(1));
                }
                out.put(t, cols);
            }
        }
        return out;
    }

    private static void visit(String t, Map<String, Set<String>> refers, Set<String> done, Set<String> path, List<String> out) {
        if (done.contains(t)) return;
        if (!path.add(t)) throw new IllegalStateException("tables " + path + " refer to each other in a cycle; cannot order them");
        for (String dep : refers.get(t)) visit(dep, refers, done, path, out);
        path.remove(t);
        done.add(t);
        out.add(t);
    }

    static List<String> sequences(Connection c) throws SQLException {
        return strings(c, SEQUENCES);
    }

    static String schemaVersion(Connection c) throws SQLException {
        List<String> v = strings(c, SCHEMA_VERSION);
        if (v.isEmpty()) throw new IllegalStateException("this database has no Herald schema (no Flyway history)");
        return v.get(0);
    }

    /**
     * A table's rows as COPY text ordered by {@code orderBy}: PostgreSQL's text format, one line per row (newlines in
     * values are escaped). Ordered, because a table's physical order after a load need not be the order it was loaded
     * in, and the restore compares the checksum of what it loaded with the backup's.
     */
    static String copyOut(String table, List<String> columns, List<String> orderBy) {
        return "COPY (SELECT " + String.join(", ", columns.stream().map(TableSet::quote).toList()) + " FROM " + quote(table)
                + " ORDER BY " + String.join(", ", orderBy.stream().map(TableSet::quote).toList()) + ") TO STDOUT";
    }

    /** The columns that order a table's rows: its primary key, else every column. */
    static List<String> orderBy(Connection c, String table, List<String> columns) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(KEY_COLUMNS)) {
            ps.setString(1, quote(table));
            List<String> key = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) key.add(rs.getString(1));
            }
            return key.isEmpty() ? columns : key;
        }
    }

    static String copyIn(String table, List<String> columns) {
        return "COPY " + quote(table) + " (" + String.join(", ", columns.stream().map(TableSet::quote).toList()) + ") FROM STDIN";
    }

    /** Output settings under which COPY text is the same in the backup and in the restore's verification. */
    static void fixOutputFormat(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL IntervalStyle = 'postgres'; "
                    + "SET LOCAL extra_float_digits = 3; SET LOCAL bytea_output = 'hex'");
        }
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static String unquote(String regclass) {
        String s = regclass.contains(".") && !regclass.startsWith("\"") ? regclass.substring(regclass.lastIndexOf('.') + 1) : regclass;
        return s.startsWith("\"") ? s.substring(1, s.length() - 1).replace("\"\"", "\"") : s;
    }

    private static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }
}
