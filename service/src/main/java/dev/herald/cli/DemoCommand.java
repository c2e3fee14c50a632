package dev.herald.cli;

import dev.herald.Herald;
import dev.herald.api.HttpServer;
import dev.herald.config.Settings;
import dev.herald.workload.Profile;
import dev.herald.workload.SeedSummary;
import dev.herald.workload.Workload;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./herald demo}: Herald's main job on the embedded default, end to end, for a newcomer. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start Herald on the embedded database, load the small workload, and show it working.")
final class DemoCommand implements Callable<Integer> {
    @Mixin DbOptions db;

    @Option(names = "--port", defaultValue = "0", paramLabel = "N", description = "HTTP port (default: a free one)")
    int port;

    @Override
    public Integer call() {
        try (Herald herald = Herald.open(db.load(Map.of(Settings.HTTP_PORT.key(), Integer.toString(port))))) {
            System.out.println("Herald demo on " + (herald.db().embedded() ? "the embedded PostgreSQL in "
                    + herald.config().get(Settings.DATA_DIR) : "an external PostgreSQL"));
            SeedSummary s = Workload.ensureLoaded(herald.db(), Profile.SMALL, 42, line -> System.out.println("  " + line));
            SeedCommand.print(s);
            try (HttpServer http = herald.serveHttp()) {
                System.out.println("API up on http://127.0.0.1:" + http.port() + " (health: "
                        + (herald.health().ready() ? "ok" : "unavailable") + ")");
            }
        }
        return 0;
    }
}
