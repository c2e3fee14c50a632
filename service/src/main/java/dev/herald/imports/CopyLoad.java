package dev.herald.imports;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/** Streams validated rows into their table with {@code COPY ... FROM STDIN (FORMAT csv)} on the transaction's connection. */
final class CopyLoad {
    private static final int CHUNK = 1 << 16;

    private CopyLoad() {}

    static String statement(ImportType type) {
        return "COPY " + type.table() + " (" + type.copyColumns() + ") FROM STDIN WITH (FORMAT csv)";
    }

    static long load(Connection c, ImportType type, List<RowParser.Parsed> rows) throws SQLException {
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(statement(type));
        try {
            StringBuilder sb = new StringBuilder(CHUNK + 1024);
            for (RowParser.Parsed r : rows) {
                if (type.hasId()) sb.append(r.id()).append(',');
                sb.append(r.organizationId());
                for (Object v : r.values()) {
                    sb.append(',');
                    encode(sb, v);
                }
                sb.append('\n');
                if (sb.length() >= CHUNK) flush(copy, sb);
            }
            flush(copy, sb);
            return copy.endCopy();
        } finally {
            if (copy.isActive()) copy.cancelCopy();
        }
    }

    /** CSV encoding: null is an empty unquoted field; text is always quoted (so an empty string stays a string). */
    static void encode(StringBuilder sb, Object v) {
        if (v == null) return;
        if (v instanceof String s) {
            sb.append('"').append(s.replace("\"", "\"\"")).append('"');
        } else if (v instanceof OffsetDateTime t) {
            sb.append(t);
        } else {
            sb.append(v);
        }
    }

    private static void flush(CopyIn copy, StringBuilder sb) throws SQLException {
        if (sb.isEmpty()) return;
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        copy.writeToCopy(bytes, 0, bytes.length);
        sb.setLength(0);
    }
}
