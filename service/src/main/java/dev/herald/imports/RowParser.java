package dev.herald.imports;

import dev.herald.json.Json;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Checks every row of a file on its own and against the rows before it: types, UUIDs, vocabularies, required columns,
 * duplicate ids, references to records earlier in the file. References it cannot settle from the file are left as
 * {@link PendingRef}s for {@link DbChecks}. Not thread-safe (one per import).
 */
final class RowParser implements SourceReader.Sink {
    /** A row ready to load: values in {@link ImportType#columns()} order. */
    record Parsed(long line, UUID organizationId, UUID id, Object[] values) {}

    /** A reference that must name a live row of {@code table} in {@code organizationId} in the database. */
    record PendingRef(long line, String column, String table, String label, UUID id, UUID organizationId) {}

    static final int MAX_COLLECTED = 1000;

    private final ImportType type;
    private final UUID organizationFlag;
    private final OffsetDateTime now;
    final List<Parsed> parsed = new ArrayList<>();
    final List<PendingRef> pending = new ArrayList<>();
    final List<RowError> errors = new ArrayList<>();
    final Set<Long> badLines = new HashSet<>();
    /** Ids defined by the file so far, per table, with their organization. */
    private final Map<String, Map<UUID, UUID>> defined = new HashMap<>();
    private final Set<List<Object>> liveEdges = new HashSet<>();
    private final Set<List<Object>> typeNames = new HashSet<>();
    private final Set<String> allowed;
    /** The CSV header (null for NDJSON): its problems are reported once, on line 1, not again on every row. */
    private List<String> csvHeader;

    RowParser(ImportType type, UUID organizationFlag, OffsetDateTime now) {
        this.type = type;
        this.organizationFlag = organizationFlag;
        this.now = now;
        this.allowed = Set.copyOf(type.allowedNames());
    }

    void error(long line, String column, String reason) {
        badLines.add(line);
        if (errors.size() < MAX_COLLECTED) errors.add(new RowError(line, column, reason));
    }

    @Override
    public void error(RowError e) {
        error(e.line(), e.column(), e.reason());
    }

    @Override
    public void header(List<String> header) {
        csvHeader = List.copyOf(header);
        for (String h : header) {
            if (!allowed.contains(h)) error(1, h, "unknown column for " + type.cliName() + " (known: " + String.join(", ", type.allowedNames()) + ")");
        }
        for (Column c : type.columns()) {
            if (c.required() && !header.contains(c.name())) error(1, c.name(), "required column is missing from the header");
        }
        if (organizationFlag == null && !header.contains("organization_id")) {
            error(1, "organization_id", "no organization: pass --organization ID or add an organization_id column");
        }
    }

    /** True when {@code id} is defined by some row of the file for {@code table} (known once the whole file is read). */
    boolean definedInFile(String table, UUID id) {
        return defined.getOrDefault(table, Map.of()).containsKey(id);
    }

    @Override
    public void row(SourceReader.RawRow r) {
        parse(r);
    }

    private void parse(SourceReader.RawRow r) {
        long line = r.line();
        if (source(r)) return;
        UUID org = organization(r);
        UUID id = null;
        if (type.hasId()) {
            id = field(r, Column.uuid("id", false));
            if (id == null) id = UUID.randomUUID();
            else if (defined.getOrDefault(type.table(), Map.of()).containsKey(id)) error(line, "id", "id " + id + " appears twice in the file");
        }
        List<Column> cols = type.columns();
        Object[] values = new Object[cols.size()];
        for (int i = 0; i < cols.size(); i++) {
            Column c = cols.get(i);
            Object v = field(r, c);
            if (v == null && c.defaultValue() != null) v = c.defaultValue() == Column.NOW ? now : c.defaultValue();
            values[i] = v;
            if (v instanceof UUID ref && c.refTable() != null && org != null) reference(line, c.name(), c.refTable(), c.refLabel(), ref, org);
        }
        if (type == ImportType.INCIDENTS) incident(line, values);
        if (type == ImportType.ASSET_TYPES && values[0] != null && !typeNames.add(List.of(String.valueOf(org), values[0]))) {
            error(line, "name", "asset type '" + values[0] + "' appears earlier in the file");
        }
        if (type == ImportType.DEPENDENCIES && org != null) dependency(line, org, values);
        if (id != null && org != null) defined.computeIfAbsent(type.table(), k -> new HashMap<>()).put(id, org);
        parsed.add(new Parsed(line, org, id, values));
    }

    /** NDJSON rows may carry keys outside the schema: report them (a CSV header's unknown columns are reported on line 1). */
    private boolean source(SourceReader.RawRow r) {
        if (csvHeader != null) return !allowed.containsAll(csvHeader);
        boolean bad = false;
        for (String k : r.values().keySet()) {
            if (!allowed.contains(k)) {
                error(r.line(), k, "unknown column for " + type.cliName());
                bad = true;
            }
        }
        return bad;
    }

    private UUID organization(SourceReader.RawRow r) {
        UUID fromRow = field(r, Column.uuid("organization_id", false));
        if (fromRow != null && organizationFlag != null && !fromRow.equals(organizationFlag)) {
            error(r.line(), "organization_id", "is " + fromRow + " but --organization is " + organizationFlag);
            return null;
        }
        UUID org = fromRow != null ? fromRow : organizationFlag;
        boolean reportedOnHeader = csvHeader != null && !csvHeader.contains("organization_id");
        if (org == null && fromRow == null && !reportedOnHeader && !badLines.contains(r.line())) {
            error(r.line(), "organization_id", "is required (or pass --organization ID)");
        }
        return org;
    }

    private <T> T field(SourceReader.RawRow r, Column c) {
        String raw = r.values().get(c.name());
        if (raw == null || raw.isBlank()) {
            if (c.required()) error(r.line(), c.name(), "is required");
            return null;
        }
        if (raw.indexOf(SourceReader.NOT_UTF8) >= 0) {
            error(r.line(), c.name(), "is not UTF-8 text (an invalid byte sequence at character " + (raw.indexOf(SourceReader.NOT_UTF8) + 1)
                    + " of the value); save the file as UTF-8");
            return null;
        }
        if (raw.indexOf('\0') >= 0) { // PostgreSQL text cannot hold it: refuse here, naming the cell, not at COPY
            error(r.line(), c.name(), "contains a NUL byte (at character " + (raw.indexOf('\0') + 1) + " of the value), which cannot be stored");
            return null;
        }
        try {
            @SuppressWarnings("unchecked") T v = (T) c.parse(raw);
            if (v instanceof OffsetDateTime t && !Json.storable(t)) {
                error(r.line(), c.name(), "must be a time between the years 1 and 9999, got '" + Column.abbreviate(raw.trim()) + "'");
                return null;
            }
            return v;
        } catch (IllegalArgumentException e) {
            error(r.line(), c.name(), e.getMessage());
            return null;
        }
    }

    private void reference(long line, String column, String table, String label, UUID ref, UUID org) {
        UUID inFile = defined.getOrDefault(table, Map.of()).get(ref);
        if (inFile != null) {
            if (!inFile.equals(org)) error(line, column, label + " " + ref + " belongs to another organization");
            return;
        }
        pending.add(new PendingRef(line, column, table, label, ref, org));
    }

    private void incident(long line, Object[] v) {
        // columns: location_id, kind, status, severity, title, started_at, updated_at, resolved_at
        String status = (String) v[2];
        if ("open".equals(status) && v[7] != null) error(line, "resolved_at", "must be empty while status is open");
        if ("resolved".equals(status) && v[7] == null) v[7] = v[6];
    }

    private void dependency(long line, UUID org, Object[] v) {
        // columns: blocker_type, blocker_id, dependent_type, dependent_id, created, deleted
        if (v[1] != null && v[1].equals(v[3])) error(line, "dependent_id", "a record cannot depend on itself");
        if (v[4] != null && v[5] != null && ((OffsetDateTime) v[5]).isBefore((OffsetDateTime) v[4])) {
            error(line, "deleted", "is before created");
        }
        for (int side : new int[] {0, 2}) {
            if (v[side] != null && v[side + 1] != null) {
                var t = dev.herald.graph.RecordType.parse((String) v[side]);
                pending.add(new PendingRef(line, side == 0 ? "blocker_id" : "dependent_id", t.table(), t.wire().replace('_', ' '),
                        (UUID) v[side + 1], org));
            }
        }
        if (v[5] == null && Objects.nonNull(v[0]) && v[1] != null && v[2] != null && v[3] != null) {
            if (!liveEdges.add(List.of(v[0], v[1], v[2], v[3]))) error(line, null, "the same live edge appears earlier in the file");
        }
    }
}
