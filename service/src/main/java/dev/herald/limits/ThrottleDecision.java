package dev.herald.limits;

import java.time.Duration;

/**
 * The answer of one throttle-window check.
 *
 * @param admitted whether the occurrence fits the window (and is now counted in it)
 * @param freeIn   when not admitted, how long until the oldest counted occurrence leaves the window
 */
record ThrottleDecision(boolean admitted, Duration freeIn) {}
