package dev.herald.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The one immutable, validated configuration of a Herald process.
 *
 * <p>Values come, lowest precedence first, from each setting's default, a properties file ({@code --config FILE},
 * else {@code data.dir/herald.properties} when it exists), environment variables ({@code HERALD_<KEY>}), and
 * command-line flags. Every value is parsed and checked on its own when the config is built; the first build reports
 * every bad value at once, each naming its setting and source. Settings that must agree with each other (a heartbeat
 * shorter than its lease) are checked by the typed settings of the feature that uses them, built once at start from
 * this config ({@link CrossCheck}). Thread-safe: it never changes after {@link #load}.
 */
public final class HeraldConfig {
    private final Map<Setting<?>, Object> values;
    private final Map<Setting<?>, String> sources;

    private HeraldConfig(Map<Setting<?>, Object> values, Map<Setting<?>, String> sources) {
        this.values = Collections.unmodifiableMap(values);
        this.sources = Collections.unmodifiableMap(sources);
    }

    /** The validated value of a setting. */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        Object v = values.get(setting);
        if (v == null && !values.containsKey(setting)) {
            throw new IllegalArgumentException("setting " + setting.key() + " is not in Settings.ALL");
        }
        return (T) v;
    }

    /** Where a setting's value came from: {@code default}, {@code file <path>}, {@code env HERALD_...} or {@code flag}. */
    public String sourceOf(Setting<?> setting) {
        return sources.getOrDefault(setting, "default");
    }

    /** A copy with some values replaced (validated like flags); used by tests and by commands that derive a config. */
    public HeraldConfig with(Map<String, String> overrides) {
        Builder b = new Builder();
        b.values.putAll(values);
        b.sources.putAll(sources);
        b.apply(overrides, "override");
        return b.build();
    }

    /**
     * Loads the configuration.
     *
     * @param configFile an explicit properties file, or null
     * @param env        the environment (usually {@code System.getenv()})
     * @param flags      setting key to raw value, from the command line
     * @throws ConfigException naming every bad value
     */
    public static HeraldConfig load(Path configFile, Map<String, String> env, Map<String, String> flags) {
        Builder b = new Builder();
        // data.dir decides where the default config file lives, so resolve it first from env and flags.
        Map<String, String> fromEnv = new LinkedHashMap<>();
        for (Setting<?> s : Settings.ALL) {
            String v = env.get(s.envName());
            if (v != null) {
                fromEnv.put(s.key(), v);
            }
        }
        Path file = configFile;
        if (file == null) {
            String dd = flags.getOrDefault(Settings.DATA_DIR.key(), fromEnv.get(Settings.DATA_DIR.key()));
            Path dataDir;
            try {
                dataDir = Settings.DATA_DIR.parse(dd == null ? Settings.DATA_DIR.defaultText() : dd);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("data.dir: " + e.getMessage());
            }
            Path candidate = dataDir.resolve("herald.properties");
            file = Files.isRegularFile(candidate) ? candidate : null;
        } else if (Files.isDirectory(file)) {
            throw new ConfigException("config file " + file + " is a directory, not a properties file");
        } else if (!Files.isRegularFile(file)) {
            throw new ConfigException("config file " + file + " does not exist");
        }
        if (file != null) {
            Path f = file;
            readFile(file).forEach((key, valueAndLine) ->
                    b.apply(Map.of(key, valueAndLine.getKey()), "file " + f + " line " + valueAndLine.getValue()));
        }
        b.apply(fromEnv, "env");
        b.apply(flags, "flag");
        return b.build();
    }

    /**
     * A properties file's settings, each with the line it starts on: read line by line (a value may continue on the
     * next line after a trailing backslash), so that every problem names the file and the line.
     *
     * @throws ConfigException when the file is not UTF-8 text or a line cannot be read as {@code key = value}
     */
    static Map<String, Map.Entry<String, Integer>> readFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new ConfigException("config file " + file + " is not UTF-8 text (is it a binary file?)");
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, Map.Entry<String, Integer>> out = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            int first = i + 1;
            StringBuilder logical = new StringBuilder(lines.get(i));
            while (endsWithContinuation(logical) && i + 1 < lines.size()) {
                logical.append('\n').append(lines.get(++i));
            }
            String text = logical.toString().strip();
            if (text.isEmpty() || text.startsWith("#") || text.startsWith("!")) continue;
            if (text.indexOf('\0') >= 0) throw new ConfigException("config file " + file + " line " + first + ": contains a NUL byte");
            Properties p = new Properties();
            try {
                p.load(new java.io.StringReader(logical.toString()));
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException("config file " + file + " line " + first + ": cannot be read as key = value ("
                        + (e.getMessage() == null ? "malformed" : e.getMessage().replace("\\uxxxx", "\\u escape")) + ")");
            }
            for (String k : p.stringPropertyNames()) {
                if (!text.contains("=") && !text.contains(":") && p.getProperty(k).isEmpty() && Settings.byKey().get(k) == null) {
                    throw new ConfigException("config file " + file + " line " + first + ": '" + (text.length() > 60 ? text.substring(0, 60) + "..." : text)
                            + "' is not key = value");
                }
                out.put(k, Map.entry(p.getProperty(k), first));
            }
        }
        return out;
    }

    /** True when a line ends with an odd number of backslashes (the value continues on the next line). */
    private static boolean endsWithContinuation(CharSequence s) {
        int n = 0;
        for (int i = s.length() - 1; i >= 0 && s.charAt(i) == '\\'; i--) n++;
        return n % 2 == 1;
    }

    /** Defaults only (plus overrides); for tests. */
    public static HeraldConfig defaults(Map<String, String> overrides) {
        Builder b = new Builder();
        b.apply(overrides, "override");
        return b.build();
    }

    private static final class Builder {
        final Map<Setting<?>, Object> values = new HashMap<>();
        final Map<Setting<?>, String> sources = new HashMap<>();
        final List<String> errors = new ArrayList<>();
        final Map<String, Setting<?>> byKey = Settings.byKey();

        Builder() {
            for (Setting<?> s : Settings.ALL) {
                try {
                    values.put(s, s.parseDefault());
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException("default of " + s.key() + " is invalid: " + e.getMessage(), e);
                }
            }
        }

        void apply(Map<String, String> raw, String source) {
            raw.forEach((key, value) -> {
                Setting<?> s = byKey.get(key);
                if (s == null) {
                    errors.add("unknown setting '" + key + "' (from " + source + "); `./herald config` lists them");
                    return;
                }
                try {
                    values.put(s, s.parse(value));
                    sources.put(s, source.equals("env") ? "env " + s.envName() : source);
                } catch (IllegalArgumentException e) {
                    String where = source.equals("env") ? "env " + s.envName() : source;
                    errors.add(key + " (from " + where + "): " + e.getMessage());
                }
            });
        }

        HeraldConfig build() {
            if (!errors.isEmpty()) {
                throw new ConfigException(errors.size() == 1 ? "bad setting: " + errors.get(0)
                        : "bad settings:\n  " + String.join("\n  ", errors));
            }
            return new HeraldConfig(new HashMap<>(values), new HashMap<>(sources));
        }
    }
}
