package dev.herald.limits;

/** Admits or denies one check against a {@link RateLimit} for a key. Thread-safe; in process or shared on Redis. */
interface RateLimiter {
    /** Counts one check for {@code key} if the limit admits it. */
    RateDecision check(String key, RateLimit limit);
}
