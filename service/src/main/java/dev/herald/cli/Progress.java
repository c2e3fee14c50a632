package dev.herald.cli;

import java.util.function.Consumer;

/**
 * A command's progress line on stderr: rewritten in place on a terminal, one line per step otherwise, nothing with
 * {@code --json} (stdout then carries only the summary). Not thread-safe: one command's thread.
 */
final class Progress implements Consumer<String> {
    private final boolean tty;
    private final boolean quiet;

    Progress(boolean json) {
        this.quiet = json;
        this.tty = System.console() != null && !json;
    }

    @Override
    public void accept(String line) {
        if (tty) System.err.print("\r\033[K" + line);
        else if (!quiet) System.err.println(line);
    }

    /** Clears the line on a terminal (call before printing the summary). */
    void done() {
        if (tty) System.err.print("\r\033[K");
    }
}
