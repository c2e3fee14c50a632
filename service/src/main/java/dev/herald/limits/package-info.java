/**
 * The delivery gate: GCRA rate limits and per-contact throttle windows, checked as one atomic step (CAS in process,
 * one Lua script on Redis). {@link dev.herald.limits.DeliveryGate} is the API; the rest is how.
 */
package dev.herald.limits;
