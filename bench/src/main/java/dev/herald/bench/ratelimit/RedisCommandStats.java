package dev.herald.bench.ratelimit;

import io.lettuce.core.api.sync.RedisCommands;

/**
 * Redis's own CPU time ({@code INFO cpu}: user + system, main thread and all): the difference of two readings divided
 * by the checks made in between is what one check cost the server, apart from the network and the client. Immutable.
 */
record RedisCommandStats(double cpuSeconds) {
    static RedisCommandStats read(RedisCommands<String, String> redis) {
        double cpu = 0;
        for (String line : redis.info("cpu").split("\r?\n")) {
            if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                cpu += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return new RedisCommandStats(cpu);
    }

    RedisCommandStats minus(RedisCommandStats before) {
        return new RedisCommandStats(cpuSeconds - before.cpuSeconds);
    }

    /** Server CPU microseconds per check. */
    double usecPer(long checks) {
        return checks == 0 ? 0 : cpuSeconds * 1e6 / checks;
    }
}
