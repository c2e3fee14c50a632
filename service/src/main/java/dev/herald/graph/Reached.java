package dev.herald.graph;

import java.util.List;

/**
 * A node reached from a root: its shortest distance (1 = a direct dependency) and, when asked for, one shortest path
 * from the root to it (root first, the node last), else null.
 */
public record Reached(NodeRef node, int distance, List<NodeRef> path) {}
