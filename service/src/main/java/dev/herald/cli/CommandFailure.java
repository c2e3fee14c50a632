package dev.herald.cli;

/** A command cannot do what was asked; its message is printed as the one line the user sees. */
final class CommandFailure extends RuntimeException {
    public CommandFailure(String message) {
        super(message);
    }
}
