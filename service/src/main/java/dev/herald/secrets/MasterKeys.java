package dev.herald.secrets;

import dev.herald.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The master keys this process knows: 256-bit AES keys, each named by a key id derived from the key itself (the first
 * 6 bytes of a SHA-256 over it, in hex: the id says which key sealed a value without revealing the key). The first key
 * is the current one (new values are sealed under it); the others stay readable, which is how a rotation keeps the old
 * key available until every value is sealed again.
 *
 * <p>From a key file, the keys are read again when the file changed (checked before each seal, and when a value names
 * a key this process does not know), so a rotation by {@code ./herald secrets rotate-master-key} reaches running
 * processes without a restart. Key files are written with mode 600, atomically (a temporary file moved over).
 * Thread-safe.
 */
public final class MasterKeys {
    static final int KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** One key and its id. {@link #toString} shows the id only. */
    public record Key(String id, byte[] bytes) {
        @Override
        public String toString() { return "Key[" + id + "]"; }
    }

    private final Optional<Path> file;
    private volatile List<Key> keys;
    private volatile FileTime loadedAt;
    private volatile long loadedSize;

    private MasterKeys(Optional<Path> file, List<Key> keys) {
        this.file = file;
        this.keys = List.copyOf(keys);
    }

    /**
     * The keys {@code settings} point to: {@code master.key}, {@code master.key-file} (which must exist), or for the
     * embedded database {@code data.dir/master.key}, created with mode 600 when missing. For an external database
     * with neither setting: no key at all ({@link #current} is empty).
     *
     * @throws ConfigException naming the setting when a key file is missing, unreadable or malformed
     */
    public static MasterKeys open(SecretsSettings settings) {
        if (settings.inlineKey().isPresent()) return new MasterKeys(Optional.empty(), List.of(key(settings.inlineKey().get())));
        Optional<Path> file = settings.effectiveKeyFile();
        if (file.isEmpty()) return new MasterKeys(Optional.empty(), List.of());
        Path f = file.get();
        if (settings.keyFile().isEmpty() && !Files.exists(f)) create(f);
        if (!Files.isRegularFile(f)) {
            throw new ConfigException("master.key-file: " + f + " does not exist (or is not a file); " + SecretsSettings.howToGiveAKey());
        }
        MasterKeys k = new MasterKeys(file, List.of());
        k.reload();
        return k;
    }

    /** Keys given directly (tests and tools); not backed by a file, so not rotatable. */
    public static MasterKeys of(byte[]... keys) {
        List<Key> list = new ArrayList<>();
        for (byte[] b : keys) list.add(key(b));
        return new MasterKeys(Optional.empty(), list);
    }

    /** A fresh random key in its text form (base64 of 32 bytes). */
    public static String newKeyText() {
        byte[] b = new byte[KEY_BYTES];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    /** Decodes the text form of a key; {@link IllegalArgumentException} (never repeating the value) when malformed. */
    static byte[] decodeKey(String text) {
        byte[] b;
        try {
            b = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not standard base64");
        }
        if (b.length != KEY_BYTES) throw new IllegalArgumentException("must decode to " + KEY_BYTES + " bytes, got " + b.length);
        return b;
    }

    /** The current key (new values are sealed under it), after re-reading a changed key file; empty when there is none. */
    public Optional<Key> current() {
        reloadIfChanged();
        List<Key> k = keys;
        return k.isEmpty() ? Optional.empty() : Optional.of(k.getFirst());
    }

    /** The key with that id, reading a changed key file again first when it is not known; empty when none. */
    public Optional<Key> find(String id) {
        Optional<Key> k = lookup(id);
        if (k.isEmpty() && file.isPresent()) {
            reloadIfChanged();
            k = lookup(id);
        }
        return k;
    }

    /** The ids of every key known, the current one first. */
    public List<String> ids() {
        return keys.stream().map(Key::id).toList();
    }

    /** The key file, when the keys come from one (only then can they be rotated). */
    public Optional<Path> file() { return file; }

    /**
     * Rotation, step one: a new random key becomes the current one, written first into the key file; the old keys stay
     * in it (and readable) until {@link #retireAllBut}. Answers the new key.
     *
     * @throws IllegalStateException when the keys do not come from a file
     */
    public synchronized Key addNewCurrent() {
        Path f = file.orElseThrow(() -> new IllegalStateException(
                "the master key comes from master.key (HERALD_MASTER_KEY), which Herald cannot rewrite: move it into a file named by master.key-file to rotate it"));
        reload();
        Key fresh = key(decodeKey(newKeyText()));
        List<Key> next = new ArrayList<>();
        next.add(fresh);
        next.addAll(keys);
        write(f, next);
        reload();
        return fresh;
    }

    /** Rotation, last step: removes every key but {@code keep} from the key file (and from this process). */
    public synchronized void retireAllBut(String keep) {
        Path f = file.orElseThrow();
        reload();
        List<Key> next = keys.stream().filter(k -> k.id().equals(keep)).toList();
        if (next.isEmpty()) throw new IllegalStateException("master key " + keep + " is not in " + f);
        write(f, next);
        reload();
    }

    private Optional<Key> lookup(String id) {
        for (Key k : keys) if (k.id().equals(id)) return Optional.of(k);
        return Optional.empty();
    }

    private void reloadIfChanged() {
        if (file.isEmpty()) return;
        try {
            Path f = file.get();
            if (!Files.getLastModifiedTime(f).equals(loadedAt) || Files.size(f) != loadedSize) reload();
        } catch (IOException e) {
            // keep the keys already loaded; the next seal or open tries again
        }
    }

    private synchronized void reload() {
        Path f = file.orElseThrow();
        try {
            FileTime mtime = Files.getLastModifiedTime(f);
            long size = Files.size(f);
            Map<String, Key> read = new LinkedHashMap<>();
            int line = 0;
            for (String l : Files.readAllLines(f, StandardCharsets.US_ASCII)) {
                line++;
                if (l.isBlank() || l.startsWith("#")) continue;
                try {
                    Key k = key(decodeKey(l));
                    read.putIfAbsent(k.id(), k);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("master key file " + f + " line " + line + ": the key " + e.getMessage());
                }
            }
            if (read.isEmpty()) throw new ConfigException("master key file " + f + " holds no key; " + SecretsSettings.howToGiveAKey());
            keys = List.copyOf(read.values());
            loadedAt = mtime;
            loadedSize = size;
        } catch (IOException e) {
            throw new ConfigException("cannot read the master key file " + f + ": " + e.getMessage());
        }
    }

    private static void create(Path f) {
        try {
            Files.createDirectories(f.getParent());
            write(f, List.of(key(decodeKey(newKeyText()))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the master key file " + f, e);
        }
    }

    /** Writes keys to {@code f} with mode 600: a temporary file beside it (created 600) moved over it. */
    private static void write(Path f, List<Key> keys) {
        StringBuilder text = new StringBuilder("# Herald master keys: the first one seals new values. Keep a copy apart from the database backups.\n");
        for (Key k : keys) text.append(Base64.getEncoder().encodeToString(k.bytes())).append('\n');
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the master key file " + f, e);
        }
    }

    private static Key key(byte[] bytes) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update("herald master key id\0".getBytes(StandardCharsets.US_ASCII));
            byte[] h = d.digest(bytes);
            return new Key(HexFormat.of().formatHex(h, 0, 6), bytes.clone());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
