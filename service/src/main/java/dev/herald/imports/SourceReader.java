package dev.herald.imports;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.Json;
import java.io.BufferedReader;
import java.io.IOException;
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
 * Reads an import file into raw rows (column name to text, null for an absent or empty value), by extension:
 * {@code .csv} (RFC 4180: a header row, quoted fields with {@code ""} escapes and line breaks) or {@code .ndjson} /
 * {@code .jsonl} (one JSON object per line; blank lines skipped). Problems of form become {@link RowError}s.
 */
final class SourceReader {
    /** One row as read: the line it starts on and its values by column. */
    record RawRow(long line, Map<String, String> values) {}

    /** The rows and the problems of form found while reading (unterminated quotes, wrong field counts, bad JSON). */
    record Source(List<String> header, List<RawRow> rows, List<RowError> errors) {}

    private SourceReader() {}

    static Source read(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            if (name.endsWith(".csv")) return csv(in);
            if (name.endsWith(".ndjson") || name.endsWith(".jsonl")) return ndjson(in);
        }
        throw new IllegalArgumentException("cannot tell the format of " + file.getFileName()
                + ": name it .csv (with a header row) or .ndjson / .jsonl (one JSON object per line)");
    }

    static Source ndjson(BufferedReader in) throws IOException {
        List<RawRow> rows = new ArrayList<>();
        List<RowError> errors = new ArrayList<>();
        String text;
        long line = 0;
        while ((text = in.readLine()) != null) {
            line++;
            if (text.isBlank()) continue;
            JsonNode node;
            try {
                node = Json.mapper().readTree(text);
            } catch (IOException e) {
                errors.add(new RowError(line, null, "not valid JSON: " + e.getMessage().lines().findFirst().orElse("")));
                continue;
            }
            if (!node.isObject()) {
                errors.add(new RowError(line, null, "each line must be a JSON object"));
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                JsonNode v = e.getValue();
                if (v.isContainerNode()) {
                    errors.add(new RowError(line, e.getKey(), "must be a single value, not an object or array"));
                    continue;
                }
                values.put(e.getKey(), v.isNull() || v.asText().isEmpty() ? null : v.asText());
            }
            rows.add(new RawRow(line, values));
        }
        return new Source(null, rows, errors);
    }

    static Source csv(BufferedReader in) throws IOException {
        List<RowError> errors = new ArrayList<>();
        CsvRecords records = new CsvRecords(in);
        List<String> header = records.next();
        if (header == null) {
            errors.add(new RowError(1, null, "the file is empty; a CSV file starts with a header row"));
            return new Source(List.of(), List.of(), errors);
        }
        header = header.stream().map(String::trim).toList();
        if (!header.isEmpty()) header = stripBom(header);
        List<RawRow> rows = new ArrayList<>();
        List<String> fields;
        while (true) {
            long line = records.line + 1;
            fields = records.next();
            if (fields == null) break;
            if (records.error != null) {
                errors.add(new RowError(line, null, records.error));
                break;
            }
            if (fields.size() == 1 && fields.get(0).isEmpty()) continue; // blank line
            if (fields.size() != header.size()) {
                errors.add(new RowError(line, null, "has " + fields.size() + " fields but the header has " + header.size()));
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                String v = fields.get(i);
                values.put(header.get(i), v.isEmpty() ? null : v);
            }
            rows.add(new RawRow(line, values));
        }
        return new Source(header, rows, errors);
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
