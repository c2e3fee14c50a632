package dev.herald.cli;

import dev.herald.HeraldSettings;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Setting;
import dev.herald.config.Settings;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Prints every setting with its value, where the value came from, and what it means; then builds every feature's
 * settings ({@link HeraldSettings}) as a start would, so a combination Herald would refuse is named (exit 1) after the
 * full list.
 */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Show every setting: value, source, default and meaning.")
final class ConfigCommand implements Callable<Integer> {
    @Mixin DbOptions db;

    @Option(names = "--markdown", description = "Print the settings table in Markdown (for the README)")
    boolean markdown;

    @Override
    public Integer call() {
        HeraldConfig config = db.load();
        if (markdown) {
            System.out.println("| setting | env | default | meaning |");
            System.out.println("|---|---|---|---|");
        }
        for (Setting<?> s : Settings.ALL) {
            Object v = config.get(s);
            String shown = Settings.SECRET.contains(s) && v instanceof Optional<?> o && o.isPresent() ? "***" : display(v);
            if (markdown) {
                System.out.printf("| `%s` | `%s` | %s | %s |%n", s.key(), s.envName(),
                        s.defaultText().isEmpty() ? "(none)" : "`" + s.defaultText() + "`", s.description());
            } else {
                System.out.printf("%-34s %-28s (%s)%n    %s%n", s.key(), shown, config.sourceOf(s), s.description());
            }
        }
        System.out.flush();
        HeraldSettings.from(config); // throws ConfigException naming each refused combination
        return 0;
    }

    private static String display(Object v) {
        if (v instanceof Optional<?> o) return o.map(Object::toString).orElse("(none)");
        if (v instanceof java.time.Duration d) return dev.herald.config.Durations.format(d);
        return String.valueOf(v);
    }
}
