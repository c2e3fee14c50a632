package dev.herald.cli;

import dev.herald.config.ConfigException;
import dev.herald.infra.DatabaseException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./herald <command>}: the entry point. Errors end in one clear line on stderr and a non-zero exit. */
@Command(name = "herald", mixinStandardHelpOptions = true, version = "Herald " + dev.herald.Herald.VERSION,
        description = "Herald notifies organizations about incidents that touch their assets and intel requests, fast and exactly once.",
        subcommands = {ServeCommand.class, OpenApiCommand.class, WorkerCommand.class, DemoCommand.class, SeedCommand.class, KeysCommand.class, ConfigCommand.class, ImportCommand.class, RebuildViewCommand.class, RebuildImpactCommand.class,
                BackupCommand.class, RestoreCommand.class, SecretsCommand.class},
        footerHeading = "%nAlso, run by the ./herald script itself:%n",
        footer = {"  test          Run the whole test suite (./mvnw verify).",
                "  bench NAME    Run a benchmark from the bench module (./herald bench --help)."})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (tests call this instead of main). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("herald: " + message(ex));
            if (System.getenv("HERALD_DEBUG") != null) ex.printStackTrace(cmd.getErr());
            return 1;
        });
        return cl.execute(args);
    }

    static String message(Throwable ex) {
        if (ex instanceof ConfigException || ex instanceof DatabaseException || ex instanceof CommandFailure
                || ex instanceof dev.herald.errors.DomainException
                || ex instanceof IllegalArgumentException || ex instanceof IllegalStateException || ex instanceof UncheckedIOException) {
            return ex.getMessage();
        }
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return ex.getClass().getSimpleName() + ": " + ex.getMessage()
                + (root != ex ? " (caused by " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")" : "");
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
