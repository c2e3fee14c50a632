package dev.herald.imports;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Streams an import file, row by row, into a {@link Sink} (column name to text, null for an absent or empty value), so
 * that only parsed values are kept, never the raw text of a whole file. By extension:
 * {@code .csv} (RFC 4180: a header row, quoted fields with {@code ""} escapes and line breaks) or {@code .ndjson} /
 * {@code .jsonl} (one JSON object per line; blank lines skipped). Problems of form become {@link RowError}s.
 */
final class SourceReader {
    /** One row as read: the line it starts on and its values by column. */
    record RawRow(long line, Map<String, String> values) {}

    /** Receives a file's header (CSV only, before any row), its rows in order, and its problems of form. */
    interface Sink {
        void header(List<String> names);

        void row(RawRow row);

        void error(RowError error);
    }

    private SourceReader() {}

    static void read(Path file, Sink sink) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean csv = name.endsWith(".csv");
        if (Files.isDirectory(file)) throw new IllegalArgumentException(file.getFileName() + " is a directory, not an import file");
        if (csv || name.endsWith(".ndjson") || name.endsWith(".jsonl")) {
            String binary = binary(file);
            if (binary != null) {
                throw new IllegalArgumentException(file.getFileName() + " is a binary file (" + binary + "), not UTF-8 "
                        + (csv ? "CSV" : "NDJSON") + " text");
            }
            var utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).replaceWith(String.valueOf(NOT_UTF8));
            try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file), utf8))) {
                if (csv) csv(in, sink);
                else ndjson(in, sink);
            }
            return;
        }
        throw new IllegalArgumentException("cannot tell the format of " + file.getFileName()
                + ": name it .csv (with a header row) or .ndjson / .jsonl (one JSON object per line)");
    }

    /**
     * Stands in for bytes that are not UTF-8, so the row checks can name their line and column: a lone low surrogate,
     * which decoding valid UTF-8 never yields.
     */
    static final char NOT_UTF8 = '\uDFFF';

    /** How many leading bytes {@link #binary} looks at. */
    private static final int SNIFF = 8192;

    /**
     * Why the file looks binary (a known binary format, invalid UTF-8, or mostly NUL bytes in its first 8 KB), or
     * null for text. A stray NUL in a text file is left to the row checks, which name its line and column.
     */
    static String binary(Path file) throws IOException {
        byte[] head;
        try (var in = Files.newInputStream(file)) {
            head = in.readNBytes(SNIFF);
        }
        if (startsWith(head, 0x1f, 0x8b)) return "gzip";
        if (startsWith(head, 'P', 'K', 3, 4)) return "zip";
        if (startsWith(head, 0x89, 'P', 'N', 'G')) return "PNG image";
        if (startsWith(head, '%', 'P', 'D', 'F')) return "PDF";
        if (startsWith(head, 0x7f, 'E', 'L', 'F')) return "executable";
        if (startsWith(head, 0xff, 0xfe) || startsWith(head, 0xfe, 0xff)) return "UTF-16 text; save it as UTF-8";
        int nul = 0;
        for (byte b : head) if (b == 0) nul++;
        if (head.length > 0 && nul * 10 > head.length) return nul + " NUL bytes in its first " + head.length + " bytes";
        var decoder = StandardCharsets.UTF_8.newDecoder();
        var out = java.nio.CharBuffer.allocate(head.length + 1);
        var result = decoder.decode(java.nio.ByteBuffer.wrap(head), out, head.length < SNIFF);
        if (result.isError()) return "not UTF-8: an invalid byte sequence in its first " + head.length + " bytes";
        return null;
    }

    private static boolean startsWith(byte[] b, int... prefix) {
        if (b.length < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if ((b[i] & 0xff) != prefix[i]) return false;
        return true;
    }

    static void ndjson(BufferedReader in, Sink sink) throws IOException {
        String text;
        long line = 0;
        while ((text = in.readLine()) != null) {
            line++;
            if (text.isBlank()) continue;
            JsonNode node;
            try {
                node = Json.mapper().readTree(text);
            } catch (IOException e) {
                sink.error(new RowError(line, null, "not valid JSON: " + e.getMessage().lines().findFirst().orElse("")));
                continue;
            }
            if (!node.isObject()) {
                sink.error(new RowError(line, null, "each line must be a JSON object"));
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                JsonNode v = e.getValue();
                if (v.isContainerNode()) {
                    sink.error(new RowError(line, e.getKey(), "must be a single value, not an object or array"));
                    continue;
                }
                values.put(e.getKey(), v.isNull() || v.asText().isEmpty() ? null : v.asText());
            }
            sink.row(new RawRow(line, values));
        }
    }

    static void csv(BufferedReader in, Sink sink) throws IOException {
        CsvRecords records = new CsvRecords(in);
        List<String> header = records.next();
        if (header == null) {
            sink.error(new RowError(1, null, "the file is empty; a CSV file starts with a header row"));
            return;
        }
        header = stripBom(header.stream().map(String::trim).toList());
        sink.header(header);
        List<String> fields;
        while (true) {
            long line = records.line + 1;
            fields = records.next();
            if (fields == null) break;
            if (records.error != null) {
                sink.error(new RowError(line, null, records.error));
                break;
            }
            if (fields.size() == 1 && fields.get(0).isEmpty()) continue; // blank line
            if (fields.size() != header.size()) {
                sink.error(new RowError(line, null, "has " + fields.size() + " fields but the header has " + header.size()));
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                String v = fields.get(i);
                values.put(header.get(i), v.isEmpty() ? null : v);
            }
            sink.row(new RawRow(line, values));
        }
    }

    private static List<String> stripBom(List<String> header) {
        List<String> h = new ArrayList<>(header);
        if (h.get(0).startsWith("\uFEFF")) h.set(0, h.get(0).substring(1));
        return h;
    }

    /** RFC 4180 records over a reader, counting physical lines (a quoted field may span several). */
    static final class CsvRecords {
        private final BufferedReader in;
        long line;
        String error;

        CsvRecords(BufferedReader in) {
            this.in = in;
        }

        List<String> next() throws IOException {
            String text = in.readLine();
            if (text == null) return null;
            line++;
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            int i = 0;
            while (true) {
                if (i >= text.length()) {
                    if (!quoted) break;
                    String more = in.readLine();
                    if (more == null) {
                        error = "a quoted field is never closed";
                        return fields;
                    }
                    line++;
                    field.append('\n');
                    text = more;
                    i = 0;
                    continue;
                }
                char ch = text.charAt(i++);
                if (quoted) {
                    if (ch == '"') {
                        if (i < text.length() && text.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            quoted = false;
                        }
                    } else {
                        field.append(ch);
                    }
                } else if (ch == '"' && field.isEmpty()) {
                    quoted = true;
                } else if (ch == ',') {
                    fields.add(field.toString());
                    field.setLength(0);
                } else {
                    field.append(ch);
                }
            }
            fields.add(field.toString());
            return fields;
        }
    }
}
