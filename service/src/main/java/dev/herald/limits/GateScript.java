package dev.herald.limits;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The gate's Lua script ({@code gate.lua}): one EVALSHA per check; after a Redis restart (NOSCRIPT) one EVAL, which
 * also loads it again. Thread-safe.
 */
final class GateScript {
    static final String TEXT = load();
    static final String SHA = sha1(TEXT);

    /** Script outcome codes. */
    static final long DELAYED = 0, ALLOWED = 1, SKIPPED = 2;

    /** The script's answer: decision code, remaining, retry-after µs, reset-after µs. */
    record Result(long decision, long remaining, long retryAfterMicros, long resetAfterMicros) {}

    private GateScript() {}

    static Result run(RedisCommands<String, String> redis, String rateKey, String throttleKey, RateLimit limit,
                      int throttleMax, long throttleWindowMicros, String occurrence) {
        String[] keys = {rateKey, throttleKey};
        String[] args = {Long.toString(limit.emissionIntervalMicros()), Long.toString(limit.toleranceMicros()),
                Integer.toString(throttleMax), Long.toString(throttleWindowMicros), occurrence};
        List<Object> out;
        try {
            out = redis.evalsha(SHA, ScriptOutputType.MULTI, keys, args);
        } catch (RedisNoScriptException e) {
            out = redis.eval(TEXT, ScriptOutputType.MULTI, keys, args);
        }
        return new Result((Long) out.get(0), (Long) out.get(1), (Long) out.get(2), (Long) out.get(3));
    }

    private static String load() {
        try (InputStream in = GateScript.class.getResourceAsStream("gate.lua")) {
            if (in == null) throw new IllegalStateException("gate.lua is missing from the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
