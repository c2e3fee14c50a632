package dev.herald.config;

import java.util.List;

/**
 * A configuration value is missing or invalid, or settings that must agree do not. The message names each setting,
 * where its value came from, and why it is wrong; {@link #problems()} lists them one by one, so several checks can be
 * reported together at start.
 */
public final class ConfigException extends RuntimeException {
    private final List<String> problems;

    public ConfigException(String message) {
        super(message);
        this.problems = List.of(message);
    }

    private ConfigException(String message, List<String> problems) {
        super(message);
        this.problems = List.copyOf(problems);
    }

    /** Settings that must agree and do not, one problem per line (each names both settings, their values and sources). */
    public static ConfigException disagreeing(List<String> problems) {
        if (problems.isEmpty()) throw new IllegalArgumentException("no problems to report");
        return new ConfigException(problems.size() == 1 ? "bad setting combination: " + problems.get(0)
                : "bad setting combinations:\n  " + String.join("\n  ", problems), problems);
    }

    /** Each problem on its own (the message is one line per problem under a heading). */
    public List<String> problems() {
        return problems;
    }
}
