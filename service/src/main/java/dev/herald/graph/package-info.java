/**
 * The dependency graph: typed edges (the {@code dependencies} table, soft-deleted) and their resolution, each node once
 * at its shortest distance, from an in-memory snapshot per organization or in SQL ({@link dev.herald.graph.Graph},
 * {@link dev.herald.graph.DependencyResolver}); the routes {@code POST /dependencies}, {@code DELETE /dependencies},
 * {@code POST /dependencies/resolve}.
 */
package dev.herald.graph;
