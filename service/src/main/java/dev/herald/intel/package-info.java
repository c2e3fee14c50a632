/**
 * Intel requests: questions an organization asks about an incident or an asset, with child requests; the
 * {@code intel_requests} table and its routes.
 */
package dev.herald.intel;
