package dev.herald.backup;

import dev.herald.errors.DomainException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The directory side of a backup: a target must be empty and writable; a failed backup leaves nothing behind. Stateless. */
final class BackupDir {
    private BackupDir() {}

    /**
     * Makes sure {@code to} is an empty directory this process can write, creating it (and its parents) when absent.
     * Answers whether it created it.
     *
     * @throws DomainException naming the problem, having written nothing
     */
    static boolean prepareEmpty(Path to) {
        if (Files.exists(to)) {
            if (!Files.isDirectory(to)) throw DomainException.invalid("to", to + " exists and is not a directory");
            try (Stream<Path> entries = Files.list(to)) {
                if (entries.findAny().isPresent()) {
                    throw DomainException.conflict("to", to + " is not empty; back up into a new or empty directory");
                }
            } catch (IOException e) {
                throw DomainException.invalid("to", "cannot read " + to + ": " + e.getMessage());
            }
            if (!Files.isWritable(to)) throw DomainException.invalid("to", "cannot write to " + to + ": permission denied");
            probe(to);
            return false;
        }
        try {
            Files.createDirectories(to);
        } catch (IOException e) {
            throw DomainException.invalid("to", "cannot create " + to + ": " + describe(e));
        }
        return true;
    }

    /** Creates and deletes a file: {@link Files#isWritable} trusts permission bits, a read-only mount says no only here. */
    private static void probe(Path to) {
        try {
            Files.delete(Files.createTempFile(to, ".probe", ""));
        } catch (IOException e) {
            throw DomainException.invalid("to", "cannot write to " + to + ": " + describe(e));
        }
    }

    /** Deletes what a failed backup wrote into {@code to} (and {@code to} itself when the backup created it). */
    static void removeWritten(Path to, boolean created) {
        try (Stream<Path> entries = Files.list(to)) {
            for (Path p : entries.toList()) Files.deleteIfExists(p);
            if (created) Files.deleteIfExists(to);
        } catch (IOException ignored) {
            // best effort: the manifest is written last, so leftovers are never taken for a backup
        }
    }

    static String sha256(byte[] bytes) {
        var d = CopyStreams.sha256();
        d.update(bytes);
        return CopyStreams.hex(d);
    }

    static String describe(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file or directory";
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) return fs.getReason();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
