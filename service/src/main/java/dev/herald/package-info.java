/**
 * Herald's wiring: {@link dev.herald.Herald} opens one process's parts once from the configuration (database,
 * coordination, features, pipeline) and {@link dev.herald.Coordination} chooses in-process or Redis-backed limits and
 * caches. Features live in one package each; see the README's code map.
 */
package dev.herald;
