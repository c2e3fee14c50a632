package dev.herald.graph;

import dev.herald.infra.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Edge rows: the direct lookups (one index-served statement per direction, never an {@code OR} across both sides),
 * inserts, soft deletes, and the owner check of the records an edge names. Thread-safe (stateless).
 */
final class Edges {
    static final String DIRECT_DEPENDENTS = """
            SELECT blocker_type, blocker_id, dependent_type, dependent_id, created FROM dependencies
            WHERE blocker_type = ? AND blocker_id = ? AND deleted IS NULL AND organization_id = ?
            ORDER BY dependent_type, dependent_id""";
    static final String DIRECT_BLOCKERS = """
            SELECT blocker_type, blocker_id, dependent_type, dependent_id, created FROM dependencies
            WHERE dependent_type = ? AND dependent_id = ? AND deleted IS NULL AND organization_id = ?
            ORDER BY blocker_type, blocker_id""";
    static final String INSERT = """
            INSERT INTO dependencies (organization_id, blocker_type, blocker_id, dependent_type, dependent_id)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (blocker_type, blocker_id, dependent_type, dependent_id) WHERE deleted IS NULL DO NOTHING
            RETURNING created""";
    static final String SOFT_DELETE = """
            UPDATE dependencies SET deleted = now()
            WHERE blocker_type = ? AND blocker_id = ? AND dependent_type = ? AND dependent_id = ?
              AND deleted IS NULL AND organization_id = ?""";

    static final String ORG_MAX_DISTANCE = "SELECT max_distance FROM organizations WHERE id = ?";

    private final Database db;

    Edges(Database db) {
        this.db = db;
    }

    List<Edge> direct(UUID org, NodeRef node, Direction direction) {
        boolean dependents = direction == Direction.DEPENDENTS;
        return db.read(dependents ? "Dependencies.DIRECT_DEPENDENTS" : "Dependencies.DIRECT_BLOCKERS", c -> {
            try (PreparedStatement ps = c.prepareStatement(dependents ? DIRECT_DEPENDENTS : DIRECT_BLOCKERS)) {
                ps.setString(1, node.type().wire());
                ps.setObject(2, node.id());
                ps.setObject(3, org);
                List<Edge> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Edge(new NodeRef(RecordType.parse(rs.getString(1)), rs.getObject(2, UUID.class)),
                                new NodeRef(RecordType.parse(rs.getString(3)), rs.getObject(4, UUID.class)),
                                rs.getObject(5, OffsetDateTime.class)));
                    }
                }
                return out;
            }
        });
    }

    /** Inserts a live edge; empty when an identical live edge exists. Callers check both ends first. */
    java.util.Optional<Edge> insert(UUID org, NodeRef blocker, NodeRef dependent) {
        return db.write("Dependencies.INSERT", c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setObject(1, org);
                ps.setString(2, blocker.type().wire());
                ps.setObject(3, blocker.id());
                ps.setString(4, dependent.type().wire());
                ps.setObject(5, dependent.id());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return java.util.Optional.<Edge>empty();
                    return java.util.Optional.of(new Edge(blocker, dependent, rs.getObject(1, OffsetDateTime.class)));
                }
            }
        });
    }

    /** Soft-deletes the live edge; false when there is none in {@code org}. */
    boolean softDelete(UUID org, NodeRef blocker, NodeRef dependent) {
        return db.write("Dependencies.SOFT_DELETE", c -> {
            try (PreparedStatement ps = c.prepareStatement(SOFT_DELETE)) {
                ps.setString(1, blocker.type().wire());
                ps.setObject(2, blocker.id());
                ps.setString(3, dependent.type().wire());
                ps.setObject(4, dependent.id());
                ps.setObject(5, org);
                return ps.executeUpdate() > 0;
            }
        });
    }

    /** The organization of each live record among {@code refs} (absent from the map: no such live record). */
    Map<NodeRef, UUID> owners(Collection<NodeRef> refs) {
        Map<RecordType, List<UUID>> byType = new EnumMap<>(RecordType.class);
        for (NodeRef r : refs) byType.computeIfAbsent(r.type(), k -> new ArrayList<>()).add(r.id());
        if (byType.isEmpty()) return Map.of();
        StringBuilder sql = new StringBuilder();
        List<RecordType> order = new ArrayList<>(byType.keySet());
        for (RecordType t : order) {
            if (!sql.isEmpty()) sql.append(" UNION ALL ");
            // table names come from the enum, never from input
            sql.append("SELECT '").append(t.wire()).append("', id, organization_id FROM ").append(t.table())
                    .append(" WHERE id = ANY(?::uuid[]) AND deleted_at IS NULL");
        }
        return db.read("Dependencies.RECORD_OWNERS", c -> owners(c, sql.toString(), order, byType));
    }

    private static Map<NodeRef, UUID> owners(Connection c, String sql, List<RecordType> order,
                                             Map<RecordType, List<UUID>> byType) throws SQLException {
        Map<NodeRef, UUID> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < order.size(); i++) {
                ps.setArray(i + 1, c.createArrayOf("uuid", byType.get(order.get(i)).toArray()));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(new NodeRef(RecordType.parse(rs.getString(1)), rs.getObject(2, UUID.class)),
                            rs.getObject(3, UUID.class));
                }
            }
        }
        return out;
    }

    /** The organization's own default max distance, if it set one. */
    java.util.Optional<Integer> organizationMaxDistance(UUID org) {
        return db.read("Organizations.MAX_DISTANCE", c -> {
            try (PreparedStatement ps = c.prepareStatement(ORG_MAX_DISTANCE)) {
                ps.setObject(1, org);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? java.util.Optional.ofNullable((Integer) rs.getObject(1)) : java.util.Optional.<Integer>empty();
                }
            }
        });
    }
}
