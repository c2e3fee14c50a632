package dev.herald.graph;

import java.util.Objects;
import java.util.UUID;

/** A record in the dependency graph: its type and id. */
public record NodeRef(RecordType type, UUID id) {
    public NodeRef {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
    }

    @Override
    public String toString() { return type.wire() + ":" + id; }
}
