package dev.herald.graph;

import java.util.Locale;

/** Which way to walk edges {@code blocker -> dependent}: to the dependents of a record, or to its blockers. */
public enum Direction {
    DEPENDENTS, BLOCKERS;

    public static Direction parse(String s) {
        if (s != null) {
            switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "dependents": return DEPENDENTS;
                case "blockers": return BLOCKERS;
                default: break;
            }
        }
        throw new IllegalArgumentException("direction must be dependents or blockers, got '" + s + "'");
    }

    public String wire() { return name().toLowerCase(Locale.ROOT); }
}
