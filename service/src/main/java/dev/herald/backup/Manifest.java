package dev.herald.backup;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.herald.json.Json;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * What a backup holds ({@code manifest.json}): the schema version its tables are at, when it was taken, by which Herald,
 * and per table its columns, file, rows and SHA-256 checksums of the compressed file and of the raw COPY text (which a
 * restore recomputes from the loaded table). Sequences with their values at the time of the backup. Immutable.
 *
 * @param format        this layout's version (1)
 * @param heraldVersion the Herald that took it
 * @param schemaVersion the Flyway version of the schema, read in the backup's snapshot
 * @param database      {@code embedded} or {@code external}
 */
public record Manifest(int format, String heraldVersion, String schemaVersion, OffsetDateTime startedAt, OffsetDateTime finishedAt,
                       String database, List<Table> tables, List<Sequence> sequences) {
    static final int FORMAT = 1;
    static final String FILE = "manifest.json";
    /** The SHA-256 of {@code manifest.json}, so one changed byte in the manifest itself is found too. */
    static final String CHECKSUM_FILE = "manifest.json.sha256";

    /**
     * One table of the backup.
     *
     * @param orderBy   the columns its rows are ordered by (its primary key), in the file and in the restore's check
     * @param file      its gzip file, relative to the backup directory
     * @param bytes     size of the gzip file
     * @param sha256    SHA-256 of the gzip file (hex)
     * @param rawBytes  size of the COPY text
     * @param rawSha256 SHA-256 of the COPY text (hex): the same as a restored table's COPY text
     */
    public record Table(String name, List<String> columns, List<String> orderBy, String file, long rows, long bytes, String sha256, long rawBytes,
                        String rawSha256) {}

    /** A sequence's state ({@code setval(name, lastValue, isCalled)} puts it back). */
    public record Sequence(String name, long lastValue, boolean isCalled) {}

    public long rows() {
        return tables.stream().mapToLong(Table::rows).sum();
    }

    public long bytes() {
        return tables.stream().mapToLong(Table::bytes).sum();
    }

    String toJson() {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(this) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the manifest", e);
        }
    }

    static Manifest parse(String json) throws JsonProcessingException {
        return Json.mapper().readValue(json, Manifest.class);
    }
}
