package dev.herald.cli;

import java.util.UUID;

/** Reading command-line values with one clear line on failure (a {@link CommandFailure}). Stateless. */
final class Args {
    private Args() {}

    /** {@code raw} as a UUID (the 36-character form, as the API takes it); else "{@code what} must be a UUID, got '...'". */
    static UUID uuid(String raw, String what) {
        try {
            if (raw.length() != 36) throw new IllegalArgumentException();
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(what + " must be a UUID, got '" + (raw.length() > 40 ? raw.substring(0, 40) + "…" : raw) + "'");
        }
    }
}
