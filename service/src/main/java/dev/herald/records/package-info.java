/**
 * What the record features share: input checks that name the field ({@link dev.herald.records.Check}), keyset
 * list SQL ({@link dev.herald.records.ListSql}), reference checks inside a write
 * ({@link dev.herald.records.RecordSql}), and the dependency options of record reads
 * ({@link dev.herald.records.Dependencies}). Owns no table.
 */
package dev.herald.records;
