package dev.herald.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One named, documented setting: its key (as written in a properties file or {@code --set key=value}),
 * the environment variable that can carry it, its default, and the parser that validates a raw value.
 *
 * <p>Instances are immutable and thread-safe. Features declare their settings as constants and list them in
 * {@link Settings#ALL}; {@link HeraldConfig} holds one validated value for each.
 *
 * @param <T> the value type
 */
public final class Setting<T> {
    private final String key;
    private final String defaultText;
    private final String description;
    private final Function<String, T> parser;

    private Setting(String key, String defaultText, String description, Function<String, T> parser) {
        this.key = Objects.requireNonNull(key);
        this.defaultText = defaultText;
        this.description = Objects.requireNonNull(description);
        this.parser = Objects.requireNonNull(parser);
    }

    /** The key, e.g. {@code db.statement-timeout}. */
    public String key() { return key; }

    /** The environment variable, e.g. {@code HERALD_DB_STATEMENT_TIMEOUT}. */
    public String envName() {
        return "HERALD_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The default as text ({@code ""} for an optional setting with no default). */
    public String defaultText() { return defaultText == null ? "" : defaultText; }

    public String description() { return description; }

    /** Parses and validates a raw value; throws {@link IllegalArgumentException} with a reason that does not repeat the key. */
    public T parse(String raw) { return parser.apply(raw.trim()); }

    T parseDefault() { return parser.apply(defaultText == null ? "" : defaultText); }

    // ---- factories -------------------------------------------------------------------------------------------

    public static Setting<Integer> integer(String key, int def, int min, int max, String description) {
        return new Setting<>(key, Integer.toString(def), description, raw -> {
            int v;
            try {
                v = Integer.parseInt(raw);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + raw + "' is not a whole number");
            }
            if (v < min || v > max) {
                throw new IllegalArgumentException(v + " is outside " + min + ".." + max);
            }
            return v;
        });
    }

    public static Setting<Double> decimal(String key, double def, double min, double max, String description) {
        return new Setting<>(key, Double.toString(def), description, raw -> {
            double v;
            try {
                v = Double.parseDouble(raw);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + raw + "' is not a number");
            }
            if (!(v >= min && v <= max)) {
                throw new IllegalArgumentException(v + " is outside " + min + ".." + max);
            }
            return v;
        });
    }

    public static Setting<Boolean> bool(String key, boolean def, String description) {
        return new Setting<>(key, Boolean.toString(def), description, raw -> switch (raw.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("'" + raw + "' is not true or false");
        });
    }

    /** A duration written as {@code 250ms}, {@code 5s}, {@code 10m}, {@code 6h}, {@code 1d} or ISO-8601 ({@code PT5S}). */
    public static Setting<Duration> duration(String key, String def, Duration min, Duration max, String description) {
        return new Setting<>(key, def, description, raw -> {
            Duration d = Durations.parse(raw);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(raw + " is outside " + Durations.format(min) + ".." + Durations.format(max));
            }
            return d;
        });
    }

    public static Setting<String> string(String key, String def, String description) {
        return new Setting<>(key, def, description, raw -> {
            if (raw.isEmpty()) {
                throw new IllegalArgumentException("must not be empty");
            }
            return raw;
        });
    }

    /** One of a fixed list of words (compared case-insensitively, returned in lower case). */
    public static Setting<String> choice(String key, String def, java.util.List<String> choices, String description) {
        return new Setting<>(key, def, description, raw -> {
            String v = raw.toLowerCase(Locale.ROOT);
            if (!choices.contains(v)) {
                throw new IllegalArgumentException("'" + raw + "' is not one of " + String.join(", ", choices));
            }
            return v;
        });
    }

    /** A string that may be absent; empty means absent. An optional validator rejects bad present values. */
    public static Setting<Optional<String>> optional(String key, String description, Function<String, String> validator) {
        return new Setting<>(key, null, description, raw -> raw.isEmpty() ? Optional.empty() : Optional.of(validator.apply(raw)));
    }

    public static Setting<Path> path(String key, String def, String description) {
        return new Setting<>(key, def, description, raw -> {
            if (raw.isEmpty()) {
                throw new IllegalArgumentException("must not be empty");
            }
            String expanded = raw.startsWith("~/") || raw.equals("~")
                    ? System.getProperty("user.home") + raw.substring(1) : raw;
            return Path.of(expanded).toAbsolutePath().normalize();
        });
    }

    /** A value of a feature's own type; {@code parser} throws {@link IllegalArgumentException} saying what is wrong. */
    public static <T> Setting<T> custom(String key, String def, String description, Function<String, T> parser) {
        return new Setting<>(key, def, description, parser);
    }

    @Override
    public String toString() { return key; }
}
