package dev.herald.backup;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.postgresql.copy.CopyManager;

/**
 * COPY text between a table and a gzip file, with the checksums and counts a manifest records: SHA-256 and size of the
 * compressed file, SHA-256 and size of the raw COPY text, and rows (the text's line count: COPY's text format escapes
 * newlines inside values). Stateless.
 */
final class CopyStreams {
    private static final int BUFFER = 1 << 16;

    private CopyStreams() {}

    /** What a table's COPY text and its file add up to. */
    record Sums(long rows, long bytes, String sha256, long rawBytes, String rawSha256) {}

    /** Streams {@code copyOutSql} into a new gzip {@code file}. */
    static Sums write(CopyManager copy, String copyOutSql, Path file) throws SQLException, IOException {
        MessageDigest fileDigest = sha256();
        Raw raw;
        try (OutputStream fileOut = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(file), BUFFER), fileDigest);
             GZIPOutputStream gz = new GZIPOutputStream(fileOut, BUFFER)) {
            raw = new Raw(gz);
            copy.copyOut(copyOutSql, raw);
        }
        return new Sums(raw.lines, Files.size(file), hex(fileDigest), raw.bytes, hex(raw.digest));
    }

    /** Reads a gzip file through, computing what {@link #write} recorded (a truncated or damaged file fails here). */
    static Sums read(Path file) throws IOException {
        MessageDigest fileDigest = sha256();
        Raw raw = new Raw(null);
        try (InputStream in = new GZIPInputStream(new DigestInputStream(new BufferedInputStream(Files.newInputStream(file), BUFFER), fileDigest), BUFFER)) {
            in.transferTo(raw);
        }
        return new Sums(raw.lines, Files.size(file), hex(fileDigest), raw.bytes, hex(raw.digest));
    }

    /** The SHA-256 of a file as it is on disk (checked before anything is decompressed). */
    static String fileSha256(Path file) throws IOException {
        MessageDigest d = sha256();
        try (InputStream in = new DigestInputStream(new BufferedInputStream(Files.newInputStream(file), BUFFER), d)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return hex(d);
    }

    /** Loads a gzip file with {@code copyInSql}; answers the rows loaded. */
    static long load(CopyManager copy, String copyInSql, Path file) throws SQLException, IOException {
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(file), BUFFER), BUFFER)) {
            return copy.copyIn(copyInSql, in, BUFFER);
        }
    }

    /** The rows, size and SHA-256 of a table's COPY text as the database has it now (the restore's verification). */
    static Sums ofTable(CopyManager copy, String copyOutSql) throws SQLException, IOException {
        Raw raw = new Raw(null);
        copy.copyOut(copyOutSql, raw);
        return new Sums(raw.lines, 0, null, raw.bytes, hex(raw.digest));
    }

    /** Counts and hashes the raw COPY text on its way to {@code next} (or nowhere). */
    private static final class Raw extends OutputStream {
        final MessageDigest digest = sha256();
        final OutputStream next;
        long bytes;
        long lines;

        Raw(OutputStream next) {
            this.next = next;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            digest.update(b, off, len);
            bytes += len;
            for (int i = off; i < off + len; i++) if (b[i] == '\n') lines++;
            if (next != null) next.write(b, off, len);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(MessageDigest d) {
        return HexFormat.of().formatHex(d.digest());
    }
}
