/**
 * Single-flight caches with a TTL per data kind ({@link dev.herald.cache.SingleFlight}): in process
 * ({@link dev.herald.cache.LocalSingleFlight}) or shared across processes on Redis
 * ({@link dev.herald.cache.RedisSingleFlight}), so one fingerprint's context is assembled once however many consumers
 * ask for it. Owns no table.
 */
package dev.herald.cache;
