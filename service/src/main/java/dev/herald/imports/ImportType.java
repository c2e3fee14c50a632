package dev.herald.imports;

import static dev.herald.imports.Column.NOW;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What an import file holds, with the columns it may have (besides {@code organization_id}, and {@code id} for records:
 * an empty id is generated). The column names are the table's, so an export of the table imports as is.
 */
public enum ImportType {
    LOCATIONS("locations", "locations", "location", true, List.of(
            Column.number("lat", -90, 90), Column.number("lon", -180, 180), Column.text("thoroughfare", false, 500),
            Column.text("locality", false, 200), Column.text("region", false, 200), Column.text("postcode", false, 40),
            Column.time("created_at", NOW))),
    ASSET_TYPES("asset-types", "asset_types", "asset type", true, List.of(
            Column.text("name", true, 200), Column.time("created_at", NOW))),
    ASSETS("assets", "assets", "asset", true, List.of(
            Column.ref("asset_type_id", true, "asset_types", "asset type"), Column.ref("location_id", true, "locations", "location"),
            Column.text("name", true, 500), Column.time("created_at", NOW), Column.time("updated_at", NOW))),
    INCIDENTS("incidents", "incidents", "incident", true, List.of(
            Column.ref("location_id", true, "locations", "location"), Column.oneOf("kind", true, null, "power", "internet", "other"),
            Column.oneOf("status", false, "open", "open", "resolved"), Column.integer("severity", true, 1, 5),
            Column.text("title", false, 500), Column.time("started_at", NOW), Column.time("updated_at", NOW),
            Column.time("resolved_at", null))),
    OUTAGES("outages", "outages", "outage", true, List.of(
            Column.ref("incident_id", true, "incidents", "incident"), Column.ref("location_id", false, "locations", "location"),
            Column.text("utility", true, 200), Column.integer("customers_affected", false, 0, Integer.MAX_VALUE),
            Column.time("estimated_restoration", null), Column.time("created_at", NOW), Column.time("updated_at", NOW))),
    INTERNET_OUTAGES("internet-outages", "internet_outages", "internet outage", true, List.of(
            Column.ref("incident_id", true, "incidents", "incident"), Column.text("provider", true, 200),
            Column.text("service", false, 200), Column.time("started_at", NOW), Column.time("estimated_restoration", null),
            Column.time("created_at", NOW), Column.time("updated_at", NOW))),
    INTEL_REQUESTS("intel-requests", "intel_requests", "intel request", true, List.of(
            Column.ref("parent_id", false, "intel_requests", "intel request"), Column.text("question", true, 2000),
            Column.oneOf("status", false, "open", "open", "answered", "closed"), Column.time("created_at", NOW),
            Column.time("updated_at", NOW))),
    DEPENDENCIES("dependencies", "dependencies", "dependency", false, List.of(
            Column.oneOf("blocker_type", true, null, RecordTypes.WIRE), Column.uuid("blocker_id", true),
            Column.oneOf("dependent_type", true, null, RecordTypes.WIRE), Column.uuid("dependent_id", true),
            Column.time("created", NOW), Column.time("deleted", null)));

    private final String cliName;
    private final String table;
    private final String label;
    private final boolean hasId;
    private final List<Column> columns;

    ImportType(String cliName, String table, String label, boolean hasId, List<Column> columns) {
        this.cliName = cliName;
        this.table = table;
        this.label = label;
        this.hasId = hasId;
        this.columns = columns;
    }

    /** The name on the command line ({@code locations}, {@code asset-types}, ...). */
    public String cliName() { return cliName; }

    String table() { return table; }

    String label() { return label; }

    boolean hasId() { return hasId; }

    List<Column> columns() { return columns; }

    /** Every column name a file may use. */
    List<String> allowedNames() {
        List<String> names = new java.util.ArrayList<>();
        names.add("organization_id");
        if (hasId) names.add("id");
        columns.forEach(c -> names.add(c.name()));
        return names;
    }

    /** The column list of the COPY statement, in the order rows are encoded. */
    String copyColumns() {
        return (hasId ? "id, " : "") + "organization_id, " + columns.stream().map(Column::name).collect(Collectors.joining(", "));
    }

    public static ImportType parse(String s) {
        String k = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        for (ImportType t : values()) {
            if (t.cliName.equals(k)) return t;
        }
        throw new IllegalArgumentException("unknown import type '" + s + "' (one of "
                + Arrays.stream(values()).map(ImportType::cliName).collect(Collectors.joining(", ")) + ")");
    }

    /** The wire names of record types, for the dependency columns. */
    static final class RecordTypes {
        static final String[] WIRE = Arrays.stream(dev.herald.graph.RecordType.values())
                .map(dev.herald.graph.RecordType::wire).toArray(String[]::new);

        private RecordTypes() {}
    }
}
