package dev.herald.cli;

import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options every command that touches the database shares, so the service, seed, imports and benchmarks all work
 * on the same embedded or external database.
 */
public final class DbOptions {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (embedded PostgreSQL, admin key). Env HERALD_DATA_DIR. Default ~/.herald")
    Path dataDir;

    @Option(names = "--database-url", paramLabel = "URL", description = "External PostgreSQL 13+ (postgresql://user:pass@host:port/db). Env HERALD_DATABASE_URL. Default: embedded")
    String databaseUrl;

    @Option(names = "--redis-url", paramLabel = "URL", description = "Redis for limits, caches and single-flight across processes. Env HERALD_REDIS_URL")
    String redisUrl;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file of settings (default DIR/herald.properties if present)")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set any setting (see `./herald config`); repeatable")
    Map<String, String> set = new LinkedHashMap<>();

    /** The validated configuration from defaults, file, environment and these flags (plus command-specific flags). */
    public HeraldConfig load(Map<String, String> extraFlags) {
        Map<String, String> flags = new LinkedHashMap<>(set);
        if (dataDir != null) flags.put(Settings.DATA_DIR.key(), dataDir.toString());
        if (databaseUrl != null) flags.put(Settings.DATABASE_URL.key(), databaseUrl);
        if (redisUrl != null) flags.put(Settings.REDIS_URL.key(), redisUrl);
        flags.putAll(extraFlags);
        return HeraldConfig.load(configFile, System.getenv(), flags);
    }

    public HeraldConfig load() {
        return load(Map.of());
    }
}
