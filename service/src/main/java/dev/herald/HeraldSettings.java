package dev.herald;

import dev.herald.api.ApiSettings;
import dev.herald.api.HttpSettings;
import dev.herald.backup.BackupSettings;
import dev.herald.cache.CacheSettings;
import dev.herald.config.ConfigException;
import dev.herald.config.HeraldConfig;
import dev.herald.contacts.ContactSettings;
import dev.herald.current.CurrentSettings;
import dev.herald.graph.GraphSettings;
import dev.herald.imports.ImportSettings;
import dev.herald.infra.DbSettings;
import dev.herald.infra.RedisSettings;
import dev.herald.limits.LimitSettings;
import dev.herald.pipeline.PipelineSettings;
import dev.herald.secrets.SecretsSettings;
import dev.herald.senders.SmtpSettings;
import dev.herald.senders.WebhookSettings;
import dev.herald.templates.TemplateSettings;
import dev.herald.workload.SeedSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The typed settings of every feature, each read once from one {@link HeraldConfig} and cross-checked by the feature
 * that owns it (a heartbeat shorter than its lease, a batch size within its maximum...). {@link Herald#open} builds
 * them before it opens anything, so a bad combination stops Herald at start, and hands each feature its own record;
 * {@code ./herald config} builds them after listing every setting, to name what is wrong. Immutable.
 *
 * <p>Why here and not in {@link HeraldConfig#load}: the config package knows no feature; it checks each value on its
 * own, and each feature knows how its settings must relate. {@link dev.herald.config.Settings} stays the one list of
 * settings.
 */
public record HeraldSettings(DbSettings db, RedisSettings redis, CacheSettings cache, LimitSettings limits, HttpSettings http,
                             ApiSettings api, GraphSettings graph, CurrentSettings current, ContactSettings contacts,
                             TemplateSettings templates, WebhookSettings webhook, SmtpSettings smtp, PipelineSettings pipeline,
                             SeedSettings seed, ImportSettings imports, BackupSettings backup,
                             SecretsSettings secrets) {

    /**
     * Builds every feature's settings from {@code config}.
     *
     * @throws ConfigException naming every refused combination of every feature at once
     */
    public static HeraldSettings from(HeraldConfig config) {
        List<String> problems = new ArrayList<>();
        HeraldSettings s = new HeraldSettings(read(config, DbSettings::from, problems), read(config, RedisSettings::from, problems),
                read(config, CacheSettings::from, problems), read(config, LimitSettings::from, problems),
                read(config, HttpSettings::from, problems), read(config, ApiSettings::from, problems),
                read(config, GraphSettings::from, problems), read(config, CurrentSettings::from, problems),
                read(config, ContactSettings::from, problems), read(config, TemplateSettings::from, problems),
                read(config, WebhookSettings::from, problems), read(config, SmtpSettings::from, problems),
                read(config, PipelineSettings::from, problems), read(config, SeedSettings::from, problems),
                read(config, ImportSettings::from, problems), read(config, BackupSettings::from, problems),
                read(config, SecretsSettings::from, problems));
        if (!problems.isEmpty()) throw ConfigException.disagreeing(problems);
        return s;
    }

    private static <T> T read(HeraldConfig config, Function<HeraldConfig, T> feature, List<String> problems) {
        try {
            return feature.apply(config);
        } catch (ConfigException e) {
            problems.addAll(e.problems());
            return null;
        }
    }
}
