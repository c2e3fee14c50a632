package dev.herald.imports;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The checks of an import that need the database, run inside the import transaction before COPY, each one statement
 * over all rows: organizations exist, new ids are not taken, references name live rows of the same organization,
 * asset type names are free, live edges are not already there.
 */
final class DbChecks {
    // Key sets are joined as unnest(array) rather than "id = ANY(array)": with 100,000 keys, ANY over a sequential scan
    // compares every row with every key (minutes); the join hashes or index-probes them (milliseconds).
    private static final String ORGANIZATIONS = "SELECT o.id FROM unnest(?::uuid[]) AS k(id) JOIN organizations o ON o.id = k.id";
    private static final String LIVE_EDGES = """
            SELECT d.blocker_type, d.blocker_id, d.dependent_type, d.dependent_id
            FROM unnest(?::text[], ?::uuid[], ?::text[], ?::uuid[]) AS e(bt, bi, dt, di)
            JOIN dependencies d ON d.blocker_type = e.bt AND d.blocker_id = e.bi AND d.dependent_type = e.dt
                               AND d.dependent_id = e.di AND d.deleted IS NULL""";
    private static final String LIVE_TYPE_NAMES = """
            SELECT organization_id, name FROM asset_types WHERE deleted_at IS NULL AND name = ANY(?)""";

    private DbChecks() {}

    /** Table names come from {@link ImportType} and {@link dev.herald.graph.RecordType}, never from the file. */
    private static String existingIds(String table) {
        return "SELECT t.id FROM unnest(?::uuid[]) AS k(id) JOIN " + table + " t ON t.id = k.id";
    }

    private static String liveRows(String table) {
        return "SELECT t.id, t.organization_id FROM unnest(?::uuid[]) AS k(id) JOIN " + table + " t ON t.id = k.id"
                + " WHERE t.deleted_at IS NULL";
    }

    static void run(Connection c, ImportType type, RowParser p) throws SQLException {
        Set<UUID> orgs = new HashSet<>();
        p.parsed.forEach(r -> { if (r.organizationId() != null) orgs.add(r.organizationId()); });
        Set<UUID> knownOrgs = new HashSet<>(uuids(c, ORGANIZATIONS, orgs));
        for (RowParser.Parsed r : p.parsed) {
            if (r.organizationId() != null && !knownOrgs.contains(r.organizationId())) {
                p.error(r.line(), "organization_id", "organization " + r.organizationId() + " does not exist");
            }
        }
        if (type.hasId()) {
            List<UUID> ids = p.parsed.stream().map(RowParser.Parsed::id).toList();
            Set<UUID> taken = new HashSet<>(uuids(c, existingIds(type.table()), ids));
            for (RowParser.Parsed r : p.parsed) {
                if (taken.contains(r.id())) p.error(r.line(), "id", type.label() + " " + r.id() + " already exists");
            }
        }
        Map<String, List<RowParser.PendingRef>> byTable = new HashMap<>();
        p.pending.forEach(ref -> byTable.computeIfAbsent(ref.table(), k -> new ArrayList<>()).add(ref));
        for (var e : byTable.entrySet()) {
            Map<UUID, UUID> live = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(liveRows(e.getKey()))) {
                ps.setArray(1, c.createArrayOf("uuid", e.getValue().stream().map(RowParser.PendingRef::id).distinct().toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) live.put(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class));
                }
            }
            for (RowParser.PendingRef ref : e.getValue()) {
                UUID org = live.get(ref.id());
                if (org == null) {
                    p.error(ref.line(), ref.column(), ref.label() + " " + ref.id() + (p.definedInFile(ref.table(), ref.id())
                            ? " is defined later in the file; put it before the rows that reference it"
                            : " does not exist (neither live in the database nor earlier in the file)"));
                } else if (!org.equals(ref.organizationId())) {
                    p.error(ref.line(), ref.column(), ref.label() + " " + ref.id() + " belongs to another organization");
                }
            }
        }
        if (type == ImportType.ASSET_TYPES) typeNames(c, p);
        if (type == ImportType.DEPENDENCIES) liveEdges(c, p);
    }

    private static void typeNames(Connection c, RowParser p) throws SQLException {
        Set<List<Object>> taken = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(LIVE_TYPE_NAMES)) {
            ps.setArray(1, c.createArrayOf("text", p.parsed.stream().map(r -> r.values()[0]).filter(v -> v != null).distinct().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) taken.add(List.of(rs.getObject(1, UUID.class), rs.getString(2)));
            }
        }
        for (RowParser.Parsed r : p.parsed) {
            if (r.values()[0] != null && r.organizationId() != null && taken.contains(List.of(r.organizationId(), r.values()[0]))) {
                p.error(r.line(), "name", "asset type '" + r.values()[0] + "' already exists in this organization");
            }
        }
    }

    private static void liveEdges(Connection c, RowParser p) throws SQLException {
        List<RowParser.Parsed> live = p.parsed.stream()
                .filter(r -> r.values()[5] == null && r.values()[0] != null && r.values()[1] != null && r.values()[2] != null && r.values()[3] != null)
                .toList();
        if (live.isEmpty()) return;
        Set<List<Object>> existing = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(LIVE_EDGES)) {
            for (int i = 0; i < 4; i++) {
                int col = i;
                ps.setArray(i + 1, c.createArrayOf(i % 2 == 0 ? "text" : "uuid", live.stream().map(r -> r.values()[col]).toArray()));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    existing.add(List.of(rs.getString(1), rs.getObject(2, UUID.class), rs.getString(3), rs.getObject(4, UUID.class)));
                }
            }
        }
        for (RowParser.Parsed r : live) {
            if (existing.contains(List.of(r.values()[0], r.values()[1], r.values()[2], r.values()[3]))) {
                p.error(r.line(), null, "this live edge already exists in the database");
            }
        }
    }

    private static List<UUID> uuids(Connection c, String sql, java.util.Collection<UUID> ids) throws SQLException {
        List<UUID> out = new ArrayList<>();
        if (ids.isEmpty()) return out;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getObject(1, UUID.class));
            }
        }
        return out;
    }
}
