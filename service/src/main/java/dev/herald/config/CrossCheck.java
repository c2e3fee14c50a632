package dev.herald.config;

import java.time.Duration;

/**
 * Checks between settings that are each valid alone but wrong together (a heartbeat slower than the lease it renews,
 * a first claim larger than the largest). A feature's settings record runs them when it is built, at start, so a bad
 * combination stops Herald with a message naming both settings, their values and where each came from, instead of
 * being clamped or misbehaving later. Stateless.
 */
public final class CrossCheck {
    private CrossCheck() {}

    /** {@code shorter} must be strictly shorter than {@code longer}. */
    public static void shorter(HeraldConfig config, Setting<Duration> shorter, Setting<Duration> longer, String why) {
        if (config.get(shorter).compareTo(config.get(longer)) >= 0) fail(config, shorter, "shorter than", longer, why);
    }

    /** {@code small} must not exceed {@code large}. */
    public static void atMost(HeraldConfig config, Setting<Duration> small, Setting<Duration> large, String why) {
        if (config.get(small).compareTo(config.get(large)) > 0) fail(config, small, "at most", large, why);
    }

    /** {@code small} must not exceed {@code large}. */
    public static void atMostCount(HeraldConfig config, Setting<Integer> small, Setting<Integer> large, String why) {
        if (config.get(small) > config.get(large)) fail(config, small, "at most", large, why);
    }

    private static void fail(HeraldConfig config, Setting<?> a, String relation, Setting<?> b, String why) {
        throw new ConfigException(a.key() + " (" + shown(config, a) + ") must be " + relation + " " + b.key() + " ("
                + shown(config, b) + "): " + why);
    }

    private static String shown(HeraldConfig config, Setting<?> s) {
        Object v = config.get(s);
        return (v instanceof Duration d ? Durations.format(d) : String.valueOf(v)) + ", " + config.sourceOf(s);
    }
}
