package dev.herald.imports;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

/**
 * One column of an import file and of the table it loads: its type, whether it is required, its bounds or vocabulary,
 * the record it must reference, and its default. Immutable.
 *
 * @param refTable  the table whose live row (same organization) a non-empty value must name, or null
 * @param defaultValue the value when the column is empty or absent ({@link #NOW} = the import's start time), or null
 */
record Column(String name, Kind kind, boolean required, double min, double max, List<String> values,
              String refTable, String refLabel, Object defaultValue) {
    /** Marker default: the time the import started. */
    static final Object NOW = new Object() {
        @Override public String toString() { return "now"; }
    };

    enum Kind { UUID, TEXT, DOUBLE, INT, TIME, ENUM }

    static Column uuid(String name, boolean required) {
        return new Column(name, Kind.UUID, required, 0, 0, List.of(), null, null, null);
    }

    static Column ref(String name, boolean required, String table, String label) {
        return new Column(name, Kind.UUID, required, 0, 0, List.of(), table, label, null);
    }

    static Column text(String name, boolean required, int maxLength) {
        return new Column(name, Kind.TEXT, required, 1, maxLength, List.of(), null, null, null);
    }

    static Column number(String name, double min, double max) {
        return new Column(name, Kind.DOUBLE, true, min, max, List.of(), null, null, null);
    }

    static Column integer(String name, boolean required, int min, int max) {
        return new Column(name, Kind.INT, required, min, max, List.of(), null, null, null);
    }

    static Column time(String name, Object defaultValue) {
        return new Column(name, Kind.TIME, false, 0, 0, List.of(), null, null, defaultValue);
    }

    static Column oneOf(String name, boolean required, Object defaultValue, String... values) {
        return new Column(name, Kind.ENUM, required, 0, 0, List.of(values), null, null, defaultValue);
    }

    /** Parses a non-null text; {@link IllegalArgumentException} with the reason otherwise. */
    Object parse(String raw) {
        String v = raw.trim();
        return switch (kind) {
            case UUID -> {
                try {
                    if (v.length() != 36) throw new IllegalArgumentException();
                    yield java.util.UUID.fromString(v);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("must be a UUID, got '" + abbreviate(v) + "'");
                }
            }
            case TEXT -> {
                if (v.isEmpty() || v.length() > max) throw new IllegalArgumentException("must be 1 to " + (int) max + " characters");
                yield v;
            }
            case DOUBLE -> {
                double d;
                try {
                    d = Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("must be a number, got '" + abbreviate(v) + "'");
                }
                if (Double.isNaN(d) || d < min || d > max) throw new IllegalArgumentException("must be between " + min + " and " + max + ", got " + v);
                yield d;
            }
            case INT -> {
                int n;
                try {
                    n = Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("must be a whole number, got '" + abbreviate(v) + "'");
                }
                if (n < min || n > max) throw new IllegalArgumentException("must be between " + (long) min + " and " + (long) max + ", got " + n);
                yield n;
            }
            case TIME -> {
                try {
                    yield OffsetDateTime.parse(v);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("must be an ISO-8601 time with offset (2024-05-01T10:00:00Z), got '" + abbreviate(v) + "'");
                }
            }
            case ENUM -> {
                if (!values.contains(v)) throw new IllegalArgumentException("must be one of " + String.join(", ", values) + ", got '" + abbreviate(v) + "'");
                yield v;
            }
        };
    }

    static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

    static boolean isUuid(Object o) {
        return o instanceof UUID;
    }
}
