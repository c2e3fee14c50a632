/**
 * Herald's wiring: {@link dev.herald.HeraldSettings} builds every feature's typed settings once, cross-checked,
 * {@link dev.herald.Herald} opens one process's parts once from them (database, coordination, features, pipeline) and
 * {@link dev.herald.Coordination} chooses in-process or Redis-backed limits and caches. Features live in one package
 * each; see the README's code map.
 */
package dev.herald;
