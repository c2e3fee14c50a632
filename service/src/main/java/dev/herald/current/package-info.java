/**
 * The current-incidents view: one row per open incident of an organization (location, outages, assets, intel
 * requests, internet outages), kept current write-through by triggers, served from memory or Redis and checked against
 * the database version ({@code current.consistency}). Owns the {@code current_incidents} tables, the rebuild and the
 * routes {@code GET /incidents/current}.
 */
package dev.herald.current;
