package dev.herald.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "drill", mixinStandardHelpOptions = true, description = "placeholder")
final class BackupDrillCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new CommandFailure("not yet");
    }
}
