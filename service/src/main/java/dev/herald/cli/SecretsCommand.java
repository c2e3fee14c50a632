package dev.herald.cli;

import dev.herald.Herald;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ./herald secrets ...}: the master key that seals the secrets stored in the database. */
@Command(name = "secrets", mixinStandardHelpOptions = true, description = "Manage the master key that encrypts stored secrets.",
        subcommands = {SecretsCommand.RotateMasterKey.class})
final class SecretsCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "rotate-master-key", mixinStandardHelpOptions = true,
            description = "Make a new master key, re-encrypt every stored secret under it in one transaction, then retire the old key "
                    + "(needs the key in a file: data.dir/master.key for the embedded database, else master.key-file).")
    static final class RotateMasterKey implements Callable<Integer> {
        @Mixin DbOptions db;

        @Override
        public Integer call() {
            try (Herald herald = Herald.open(db.load())) {
                if (herald.secretBox().keys().file().isEmpty()) {
                    herald.audit().recordCommand("secrets rotate-master-key", null, null, false);
                    throw new CommandFailure(herald.secretBox().keys().current().isEmpty()
                            ? "no master key to rotate: " + dev.herald.secrets.SecretsSettings.howToGiveAKey()
                            : "the master key comes from master.key (HERALD_MASTER_KEY), which Herald cannot rewrite: "
                              + "move it into a file named by master.key-file to rotate it");
                }
                Herald.MasterKeyRotation r;
                try {
                    r = herald.rotateMasterKey();
                } catch (RuntimeException e) {
                    herald.audit().recordCommand("secrets rotate-master-key", null, null, false);
                    throw new CommandFailure("master key rotation failed: " + e.getMessage());
                }
                herald.audit().recordCommand("secrets rotate-master-key", null, r.current(), true);
                System.err.println("master key " + r.current() + " is current in " + herald.secretBox().keys().file().orElseThrow());
                System.err.println("re-encrypted the secrets of " + r.contacts() + " contacts in one transaction");
                System.err.println("retired master key " + String.join(", ", r.retired()) + " (removed from the key file); backups taken before now "
                        + "hold secrets under it: restore them with a copy of the key file made before this rotation");
            }
            return 0;
        }
    }
}
