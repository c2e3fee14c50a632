package dev.herald.secrets;

import dev.herald.config.ConfigException;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Where the master key comes from. Immutable; {@link #toString} never shows a key.
 *
 * @param inlineKey the 32-byte key of {@code master.key} ({@code HERALD_MASTER_KEY}, base64); cannot be rotated in place
 * @param keyFile   {@code master.key-file}: a file of base64 keys, one a line, the first the current one
 * @param dataDir   {@code data.dir}: where the embedded database's key file {@code master.key} is created
 * @param embedded  no {@code database.url}: Herald runs its own database under {@code data.dir}
 */
public record SecretsSettings(Optional<byte[]> inlineKey, Optional<Path> keyFile, Path dataDir, boolean embedded) {
    /** Name of the key file the embedded database keeps under {@code data.dir}. */
    public static final String EMBEDDED_KEY_FILE = "master.key";

    /** Reads and checks the master key settings; {@link ConfigException} naming the setting. */
    public static SecretsSettings from(HeraldConfig config) {
        List<String> problems = new ArrayList<>();
        Optional<String> inline = config.get(Settings.MASTER_KEY);
        Optional<String> file = config.get(Settings.MASTER_KEY_FILE);
        if (inline.isPresent() && file.isPresent()) {
            problems.add(Settings.MASTER_KEY.key() + " (" + Settings.MASTER_KEY.envName() + ") and " + Settings.MASTER_KEY_FILE.key()
                    + " are both set: give one");
        }
        Optional<byte[]> key = Optional.empty();
        if (inline.isPresent()) {
            try {
                key = Optional.of(MasterKeys.decodeKey(inline.get()));
            } catch (IllegalArgumentException e) {
                problems.add(Settings.MASTER_KEY.key() + " (" + Settings.MASTER_KEY.envName() + "): " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) throw ConfigException.disagreeing(problems);
        return new SecretsSettings(key, file.map(f -> Path.of(f).toAbsolutePath().normalize()), config.get(Settings.DATA_DIR),
                config.get(Settings.DATABASE_URL).isEmpty());
    }

    /** The key file this process uses, if any: {@code master.key-file}, else the embedded database's. */
    public Optional<Path> effectiveKeyFile() {
        if (inlineKey.isPresent()) return Optional.empty();
        if (keyFile.isPresent()) return keyFile;
        return embedded ? Optional.of(dataDir.resolve(EMBEDDED_KEY_FILE)) : Optional.empty();
    }

    /** How to give a key, for messages. */
    public static String howToGiveAKey() {
        return "set " + Settings.MASTER_KEY.key() + " (" + Settings.MASTER_KEY.envName() + ", base64 of 32 bytes) or "
                + Settings.MASTER_KEY_FILE.key() + " (a file of such keys, one a line)";
    }

    @Override
    public String toString() {
        return "SecretsSettings[" + (inlineKey.isPresent() ? Settings.MASTER_KEY.key() : effectiveKeyFile().map(Path::toString).orElse("no key")) + "]";
    }
}
