package dev.herald.cli;

import dev.herald.Herald;
import dev.herald.json.Json;
import dev.herald.workload.Profile;
import dev.herald.workload.SeedSummary;
import dev.herald.workload.Workload;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./herald seed --profile small|large [--seed N] [--json]}: loads the reference workload into an empty database. */
@Command(name = "seed", mixinStandardHelpOptions = true,
        description = "Load the deterministic reference workload (one organization) into an empty database, in one transaction.")
final class SeedCommand implements Callable<Integer> {
    @Mixin DbOptions db;

    @Option(names = "--profile", defaultValue = "small", paramLabel = "small|large",
            description = "small (~60 open incidents, for tests and the demo) or large (~3,000 open incidents). Default: ${DEFAULT-VALUE}")
    String profile;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "Random seed; the same seed gives the same data. Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--json", description = "Print the summary as one JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Profile p;
        try {
            p = Profile.parse(profile);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(e.getMessage());
        }
        try (Herald herald = Herald.open(db.load())) {
            boolean tty = System.console() != null && !json;
            SeedSummary s = Workload.seed(herald.db(), herald.settings().seed(), p, seed, line -> {
                if (tty) System.err.print("\r\033[K" + line);
                else if (!json) System.err.println(line);
            });
            if (tty) System.err.print("\r\033[K");
            if (json) {
                System.out.println(Json.mapper().writeValueAsString(s));
            } else {
                print(s);
            }
        }
        return 0;
    }

    static void print(SeedSummary s) {
        System.out.printf("Loaded the %s workload (seed %d) as organization %s in %.1f s:%n", s.profile(), s.seed(), s.organizationId(), s.seconds());
        s.counts().forEach((t, n) -> System.out.printf("  %-18s %,10d%n", t, n));
        System.out.printf("  live edges         %,10d  (soft-deleted %,d)%n", s.liveEdges(), s.deletedEdges());
        System.out.printf("  max chain depth    %10d%n  diamonds           %,10d%n  cycle edges        %,10d%n", s.maxDepth(), s.diamonds(), s.cycles());
    }
}
