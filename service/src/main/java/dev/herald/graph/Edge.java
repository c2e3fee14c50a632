package dev.herald.graph;

import java.time.OffsetDateTime;

/** A live dependency edge: {@code dependent} depends on {@code blocker}. */
public record Edge(NodeRef blocker, NodeRef dependent, OffsetDateTime created) {}
