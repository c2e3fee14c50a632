/**
 * The one JSON mapping (snake_case, ISO-8601 times, unknown fields refused) and the one way to read JSON Herald
 * stored itself ({@link dev.herald.json.Json#readStored}).
 */
package dev.herald.json;
