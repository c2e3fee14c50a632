package dev.herald.limits;

import dev.herald.infra.RedisScript;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The gate's Lua script ({@code gate.lua}): one EVALSHA per check; after a Redis restart (NOSCRIPT) one EVAL, which
 * also loads it again. Thread-safe.
 */
final class GateScript {
    static final RedisScript SCRIPT = RedisScript.of(load());
    static final String SHA = SCRIPT.sha();

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
        List<Object> out = SCRIPT.run(redis, ScriptOutputType.MULTI, keys, args);
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
}
