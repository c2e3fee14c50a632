package dev.herald.backup;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.herald.errors.DomainException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.zip.ZipException;

/**
 * Reads a backup directory through before anything is restored from it: the manifest against its checksum, then every
 * table file against the manifest (size, SHA-256 compressed and raw, rows). A missing, truncated or changed file (one
 * byte is enough) refuses the whole backup. Stateless.
 */
public final class BackupCheck {
    private BackupCheck() {}

    /** A backup whose every file matched its manifest. */
    public record Checked(Path dir, Manifest manifest) {}

    /**
     * Checks the backup in {@code from}.
     *
     * @throws DomainException naming the first problem
     */
    public static Checked check(Path from, Consumer<String> progress) {
        if (!Files.exists(from)) throw DomainException.invalid("from", "no backup at " + from + ": no such directory");
        if (!Files.isDirectory(from)) throw DomainException.invalid("from", from + " is not a directory");
        Path manifestFile = from.resolve(Manifest.FILE), sumFile = from.resolve(Manifest.CHECKSUM_FILE);
        if (!Files.isRegularFile(manifestFile)) {
            throw DomainException.invalid("from", from + " is not a Herald backup (no " + Manifest.FILE + "; an interrupted backup has none)");
        }
        byte[] json;
        String sum;
        try {
            json = Files.readAllBytes(manifestFile);
            sum = Files.isRegularFile(sumFile) ? Files.readString(sumFile, StandardCharsets.UTF_8).trim() : null;
        } catch (IOException e) {
            throw DomainException.invalid("from", "cannot read the backup in " + from + ": " + BackupDir.describe(e));
        }
        if (sum == null) throw DomainException.invalid("from", from + " has no " + Manifest.CHECKSUM_FILE + "; the backup is incomplete");
        String expected = sum.split("\\s+")[0];
        if (!expected.equalsIgnoreCase(BackupDir.sha256(json))) {
            throw DomainException.invalid("from", from.resolve(Manifest.FILE) + " does not match its checksum: the manifest was changed or damaged");
        }
        Manifest m;
        try {
            m = Manifest.parse(new String(json, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw DomainException.invalid("from", from.resolve(Manifest.FILE) + " is not a readable manifest");
        }
        if (m.format() != Manifest.FORMAT) {
            throw DomainException.invalid("from", "the backup's format " + m.format() + " is not one this Herald reads (" + Manifest.FORMAT + ")");
        }
        requireKnownVersion(m, dev.herald.infra.Migrations.codeVersions());
        int i = 0;
        for (Manifest.Table t : m.tables()) {
            progress.accept(String.format("checking %-22s (%d/%d files)", t.name(), ++i, m.tables().size()));
            Path f = from.resolve(t.file()).normalize();
            if (!f.startsWith(from.normalize()) || !Files.isRegularFile(f)) {
                throw DomainException.invalid("from", "the backup is incomplete: " + f + " is missing");
            }
            try {
                if (Files.size(f) != t.bytes() || !CopyStreams.fileSha256(f).equals(t.sha256())) {
                    throw DomainException.invalid("from", f + " does not match its checksum in the manifest: the file was changed, truncated or damaged");
                }
            } catch (IOException e) {
                throw DomainException.invalid("from", "cannot read " + f + ": " + BackupDir.describe(e));
            }
            CopyStreams.Sums s;
            try {
                s = CopyStreams.read(f);
            } catch (EOFException | ZipException e) {
                throw DomainException.invalid("from", f + " is truncated or damaged (" + e.getMessage() + ")");
            } catch (IOException e) {
                throw DomainException.invalid("from", "cannot read " + f + ": " + BackupDir.describe(e));
            }
            if (s.rows() != t.rows() || s.rawBytes() != t.rawBytes() || !s.rawSha256().equals(t.rawSha256())) {
                throw DomainException.invalid("from", f + " does not hold what the manifest says (" + s.rows() + " rows, manifest "
                        + t.rows() + "): the backup was changed or damaged");
            }
        }
        return new Checked(from, m);
    }

    /** Refuses a backup whose schema version this code does not carry (typically: taken by a newer Herald). */
    static void requireKnownVersion(Manifest m, java.util.List<String> code) {
        String newest = code.get(code.size() - 1);
        if (!code.contains(m.schemaVersion())) {
            throw DomainException.invalid("from", dev.herald.infra.Migrations.compare(m.schemaVersion(), newest) > 0
                    ? "the backup is at schema version " + m.schemaVersion() + ", newer than this Herald's " + newest
                    + " (it was taken by Herald " + m.heraldVersion() + "); restore it with that Herald or a newer one"
                    : "the backup's schema version " + m.schemaVersion() + " is not one of this Herald's migrations");
        }
    }
}
