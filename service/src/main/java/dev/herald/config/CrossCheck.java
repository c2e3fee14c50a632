package dev.herald.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The checks of settings that must agree with each other (a heartbeat shorter than the lease it renews), run by a
 * feature's typed settings when they are built from a {@link HeraldConfig}. {@link HeraldConfig} checks each value on
 * its own; the feature that uses two settings together knows how they must relate, so it says so here.
 *
 * <p>Every problem names both settings, their values and where each value came from ({@link HeraldConfig#sourceOf}),
 * and why the combination is refused, e.g. {@code work.heartbeat (30s, from flag) must be shorter than work.lease (20s,
 * default): ...}. {@link #orThrow} reports every problem found at once. Not thread-safe: build, check and drop one on
 * one thread.
 */
public final class CrossCheck {
    private final HeraldConfig config;
    private final List<String> problems = new ArrayList<>();

    private CrossCheck(HeraldConfig config) {
        this.config = config;
    }

    /** Starts checking the settings of {@code config}. */
    public static CrossCheck of(HeraldConfig config) {
        return new CrossCheck(config);
    }

    /** Requires {@code lower} strictly below {@code upper}; {@code why} says what goes wrong otherwise. */
    public <T extends Comparable<? super T>> CrossCheck below(Setting<T> lower, Setting<T> upper, String why) {
        if (config.get(lower).compareTo(config.get(upper)) >= 0) {
            problems.add(describe(lower) + (isDuration(lower) ? " must be shorter than " : " must be smaller than ")
                    + describe(upper) + ": " + why);
        }
        return this;
    }

    /** Requires {@code lower} at most {@code upper}; {@code why} says what goes wrong otherwise. */
    public <T extends Comparable<? super T>> CrossCheck atMost(Setting<T> lower, Setting<T> upper, String why) {
        if (config.get(lower).compareTo(config.get(upper)) > 0) {
            problems.add(describe(lower) + (isDuration(lower) ? " must not be longer than " : " must not be larger than ")
                    + describe(upper) + ": " + why);
        }
        return this;
    }

    /** Records {@code problem} (which must name its settings, e.g. with {@link #describe}) unless {@code ok}. */
    public CrossCheck require(boolean ok, String problem) {
        if (!ok) problems.add(problem);
        return this;
    }

    /** A setting as problems name it: its key, its value and where the value came from, e.g. {@code work.lease (20s, default)}. */
    public String describe(Setting<?> setting) {
        String source = config.sourceOf(setting);
        return setting.key() + " (" + show(setting, config.get(setting)) + ", " + (source.equals("default") ? "default" : "from " + source) + ")";
    }

    /** The problems found so far, one line each (empty when every check passed). */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** @throws ConfigException naming every problem found, when there is one */
    public void orThrow() {
        if (!problems.isEmpty()) throw ConfigException.disagreeing(problems);
    }

    private boolean isDuration(Setting<?> setting) {
        return config.get(setting) instanceof Duration;
    }

    private static String show(Setting<?> setting, Object value) {
        if (Settings.SECRET.contains(setting)) return "***";
        if (value instanceof Duration d) return Durations.format(d);
        if (value instanceof Optional<?> o) return o.map(Object::toString).orElse("none");
        return String.valueOf(value);
    }
}
