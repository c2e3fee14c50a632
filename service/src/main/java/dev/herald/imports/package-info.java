/**
 * {@code ./herald import}: all-or-nothing CSV/NDJSON loads of records and dependency edges with COPY, each bad row
 * reported with its line; maintains the view and graph versions for what it loaded. Owns no table.
 */
package dev.herald.imports;
