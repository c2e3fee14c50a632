package dev.herald.limits;

import java.time.Duration;

/**
 * The answer of one rate-limit check.
 *
 * @param allowed    whether this check was admitted (and counted)
 * @param remaining  checks that would still be admitted back to back right now
 * @param retryAfter when denied, how long until a check would be admitted; zero when allowed
 * @param resetAfter how long until the key is back to its full burst (idle)
 */
public record RateDecision(boolean allowed, long remaining, Duration retryAfter, Duration resetAfter) {}
