package dev.herald.bench.gate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of {@code bench/gate-thresholds.properties}: {@code <bench>.<name> = <expr> <op> <number>} where expr is a
 * JSON path of {@code bench-results/<bench>.json} (dots between fields) or a ratio {@code path / path}, and op is
 * {@code >=}, {@code <=} or {@code ==}. Immutable.
 */
record GateCheck(String bench, String name, String numerator, String denominator, String op, double threshold) {
    private static final Pattern LINE = Pattern.compile("^\\s*([\\w.]+)\\s*(?:/\\s*([\\w.]+)\\s*)?(>=|<=|==)\\s*(-?[0-9.]+)\\s*$");

    static GateCheck parse(String key, String value) {
        int dot = key.indexOf('.');
        if (dot < 1) throw new IllegalArgumentException("gate check '" + key + "' must be <bench>.<name>");
        Matcher m = LINE.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("gate check '" + key + "': '" + value + "' is not '<path> [/ <path>] >=|<=|== <number>'");
        }
        return new GateCheck(key.substring(0, dot), key.substring(dot + 1), m.group(1), m.group(2), m.group(3), Double.parseDouble(m.group(4)));
    }

    /** The measured value from the bench's JSON, or NaN when a field is missing or not a number. */
    double measure(JsonNode json) {
        double a = at(json, numerator);
        if (denominator == null) return a;
        double b = at(json, denominator);
        return b == 0 ? Double.POSITIVE_INFINITY : a / b;
    }

    boolean passes(double measured) {
        if (Double.isNaN(measured)) return false;
        return switch (op) {
            case ">=" -> measured >= threshold;
            case "<=" -> measured <= threshold;
            default -> Math.abs(measured - threshold) < 1e-9;
        };
    }

    String expression() {
        return (denominator == null ? numerator : numerator + " / " + denominator) + " " + op + " " + fmt(threshold);
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) return "missing";
        if (Double.isInfinite(v)) return "inf";
        return v == Math.rint(v) && Math.abs(v) < 1e12 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3f", v);
    }

    private static double at(JsonNode json, String path) {
        JsonNode n = json;
        for (String p : path.split("\\.")) n = n == null ? null : n.get(p);
        if (n == null || n.isNull()) return Double.NaN;
        if (n.isBoolean()) return n.asBoolean() ? 1 : 0;
        return n.isNumber() ? n.asDouble() : Double.NaN;
    }
}
