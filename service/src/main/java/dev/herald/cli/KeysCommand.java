package dev.herald.cli;

import dev.herald.Herald;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./herald keys create [--organization ID | --admin]}. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage API keys.", subcommands = KeysCommand.Create.class)
final class KeysCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an API key and print it once (it is stored hashed and cannot be shown again).")
    static final class Create implements Callable<Integer> {
        @Mixin DbOptions db;

        static final class Scope {
            @Option(names = "--organization", paramLabel = "ID", description = "Key for one organization") String organization;
            @Option(names = "--admin", description = "Admin key (all organizations)") boolean admin;
        }

        @ArgGroup(exclusive = true, multiplicity = "1") Scope scope;

        @Option(names = "--label", description = "A note to remember the key by") String label;

        @Override
        public Integer call() {
            UUID org = null;
            if (scope.organization != null) {
                try {
                    org = UUID.fromString(scope.organization);
                } catch (IllegalArgumentException e) {
                    throw new CommandFailure("--organization must be a UUID, got '" + scope.organization + "'");
                }
            }
            try (Herald herald = Herald.open(db.load())) {
                if (org != null && herald.organizations().find(org).isEmpty()) {
                    throw new CommandFailure("organization " + org + " does not exist");
                }
                var key = herald.keys().create(org, label);
                System.out.println(key.secret());
                System.err.println("API key " + key.id() + (org == null ? " (admin)" : " for organization " + org)
                        + " created; it is shown only now.");
            }
            return 0;
        }
    }
}
