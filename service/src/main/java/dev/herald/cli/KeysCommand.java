package dev.herald.cli;

import dev.herald.Herald;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./herald keys create [--organization ID [--scope read|write] | --admin] [--expires T]},
 * {@code ./herald keys list [--organization ID | --admin]} and {@code ./herald keys revoke ID}.
 */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage API keys.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
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

        @Option(names = "--scope", description = "read (GET only) or write, for an organization's key (default write)") String keyScope;

        @Option(names = "--expires", paramLabel = "TIME", description = "When the key stops working (RFC 3339, e.g. 2027-01-31T00:00:00Z)")
        String expires;

        @Override
        public Integer call() {
            UUID org = scope.organization == null ? null : Args.uuid(scope.organization, "--organization");
            String keyScope = this.keyScope == null ? (org == null ? "admin" : "write") : this.keyScope;
            if (org == null && this.keyScope != null) throw new CommandFailure("--scope applies to organization keys; an admin key can do everything");
            if (org != null && !keyScope.equals("read") && !keyScope.equals("write")) {
                throw new CommandFailure("--scope must be read or write, got '" + keyScope + "'");
            }
            java.time.OffsetDateTime expiresAt = null;
            if (expires != null) {
                try {
                    expiresAt = java.time.OffsetDateTime.parse(expires);
                } catch (java.time.format.DateTimeParseException e) {
                    throw new CommandFailure("--expires must be an RFC 3339 time such as 2027-01-31T00:00:00Z, got '" + expires + "'");
                }
                if (!expiresAt.isAfter(java.time.OffsetDateTime.now())) throw new CommandFailure("--expires must be in the future");
            }
            try (Herald herald = Herald.open(db.load())) {
                if (org != null && herald.organizations().find(org).isEmpty()) {
                    throw new CommandFailure("organization " + org + " does not exist");
                }
                var key = herald.keys().create(org, label, keyScope, expiresAt);
                herald.audit().recordCommand("keys create", org, key.id().toString(), true);
                System.out.println(key.secret());
                System.err.println("API key " + key.id() + (org == null ? " (admin)" : " for organization " + org)
                        + " created; it is shown only now.");
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List an organization's API keys (or the admin keys): id, scope, first characters, label, created, expires, revoked.")
    static final class ListKeys implements Callable<Integer> {
        @Mixin DbOptions db;

        @Option(names = "--organization", paramLabel = "ID", description = "The organization's keys") String organization;
        @Option(names = "--admin", description = "The admin keys") boolean admin;

        @Override
        public Integer call() {
            if ((organization == null) == !admin) throw new CommandFailure("give either --organization ID or --admin");
            UUID org = organization == null ? null : Args.uuid(organization, "--organization");
            try (Herald herald = Herald.open(db.load())) {
                System.out.printf("%-36s  %-5s  %-7s  %-25s  %-25s  %-25s  %s%n", "id", "scope", "prefix", "created", "expires", "revoked", "label");
                for (var k : herald.keys().list(org, 10_000)) {
                    System.out.printf("%-36s  %-5s  %-7s  %-25s  %-25s  %-25s  %s%n", k.id(), k.scope(), k.prefix(), k.createdAt(),
                            k.expiresAt() == null ? "-" : k.expiresAt(), k.revokedAt() == null ? "-" : k.revokedAt(), k.label() == null ? "" : k.label());
                }
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke an API key; every running process drops it when the revocation's NOTIFY arrives.")
    static final class Revoke implements Callable<Integer> {
        @Mixin DbOptions db;

        @picocli.CommandLine.Parameters(paramLabel = "ID", description = "The key's id (from keys list)") String id;

        @Override
        public Integer call() {
            UUID key = Args.uuid(id, "ID");
            try (Herald herald = Herald.open(db.load())) {
                boolean revoked = herald.keys().revoke(key, null);
                herald.audit().recordCommand("keys revoke", null, key.toString(), revoked);
                if (!revoked) throw new CommandFailure("no live API key " + key);
                System.err.println("API key " + key + " revoked");
            }
            return 0;
        }
    }
}
