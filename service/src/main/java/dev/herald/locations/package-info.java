/**
 * Locations: a point plus address fields; the {@code locations} table and {@code POST /locations}.
 */
package dev.herald.locations;
