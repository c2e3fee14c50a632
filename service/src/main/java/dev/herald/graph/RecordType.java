package dev.herald.graph;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The kinds of record a dependency edge can name, with their wire names ({@code incident}, {@code intel_request}, ...). */
public enum RecordType {
    INCIDENT("incident", "incidents"),
    INTEL_REQUEST("intel_request", "intel_requests"),
    ASSET("asset", "assets"),
    OUTAGE("outage", "outages"),
    INTERNET_OUTAGE("internet_outage", "internet_outages");

    private final String wire;
    private final String table;

    RecordType(String wire, String table) {
        this.wire = wire;
        this.table = table;
    }

    /** The name used in JSON, CSV and the {@code dependencies} table. */
    public String wire() { return wire; }

    /** The table holding records of this type. */
    public String table() { return table; }

    /** Parses a wire name; {@link IllegalArgumentException} naming the valid ones otherwise. */
    public static RecordType parse(String s) {
        if (s != null) {
            String k = s.trim().toLowerCase(Locale.ROOT);
            for (RecordType t : values()) {
                if (t.wire.equals(k)) return t;
            }
        }
        throw new IllegalArgumentException("unknown record type '" + s + "' (one of "
                + Arrays.stream(values()).map(RecordType::wire).collect(Collectors.joining(", ")) + ")");
    }

    @Override
    public String toString() { return wire; }
}
