package dev.herald.impact;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The independent model the impact triggers are checked against: a brute-force breadth-first search from every open
 * incident over the source tables (nothing of impact_* is read), and a receiver that applies impact events in order
 * and refuses a missing, repeated or pointless one.
 */
final class ImpactModel {
    /** A node: type and id (ordered as PostgreSQL orders text, then uuid: by the id's lower-case text). */
    record Node(String type, String id) implements Comparable<Node> {
        @Override
        public int compareTo(Node o) {
            int c = type.compareTo(o.type);
            return c != 0 ? c : id.compareTo(o.id);
        }
    }

    /** One (subject, incident) pair's state: distance, path (as JSON text) and the incident's severity. */
    record Pair(int distance, String path, Integer severity) {}

    /** Everything a receiver can know: the pairs (key "subject|incident") and each affected subject's restoration. */
    record State(Map<String, Pair> pairs, Map<Node, String> restoration) {}

    private ImpactModel() {}

    /** The expected state, computed from scratch. */
    static State expected(Connection c, UUID org) throws SQLException {
        int maxd = one(c, "SELECT coalesce((SELECT max_distance FROM organizations WHERE id = ?), impact_default_max_distance())", org);
        Set<Node> dead = new HashSet<>();
        for (String t : List.of("asset:assets", "intel_request:intel_requests", "incident:incidents")) {
            String[] p = t.split(":");
            for (String id : ids(c, "SELECT id FROM " + p[1] + " WHERE organization_id = ? AND deleted_at IS NOT NULL", org)) dead.add(new Node(p[0], id));
        }
        Set<String> liveRecords = new HashSet<>();
        for (String t : List.of("asset:assets", "intel_request:intel_requests", "incident:incidents")) {
            String[] p = t.split(":");
            for (String id : ids(c, "SELECT id FROM " + p[1] + " WHERE organization_id = ? AND deleted_at IS NULL", org)) liveRecords.add(p[0] + id);
        }
        Map<Node, List<Node>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT blocker_type, blocker_id::text, dependent_type, dependent_id::text FROM dependencies WHERE organization_id = ? AND deleted IS NULL")) {
            ps.setObject(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Node d = new Node(rs.getString(3), rs.getString(4));
                    boolean traversable = switch (d.type) {
                        case "asset", "intel_request", "incident" -> liveRecords.contains(d.type + d.id);
                        default -> true;
                    };
                    if (traversable && !dead.contains(d)) out.computeIfAbsent(new Node(rs.getString(1), rs.getString(2)), k -> new ArrayList<>()).add(d);
                }
            }
        }
        Map<String, Integer> severity = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id::text, severity FROM incidents WHERE organization_id = ? AND status = 'open' AND deleted_at IS NULL")) {
            ps.setObject(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) severity.put(rs.getString(1), rs.getInt(2));
            }
        }
        Map<String, Instant> incidentRestoration = new HashMap<>();
        Set<String> unknown = new HashSet<>(severity.keySet());
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT incident_id::text, bool_or(estimated_restoration IS NULL), max(estimated_restoration) FROM (
                  SELECT incident_id, estimated_restoration FROM outages WHERE organization_id = ? AND deleted_at IS NULL
                  UNION ALL SELECT incident_id, estimated_restoration FROM internet_outages WHERE organization_id = ? AND deleted_at IS NULL) x
                GROUP BY incident_id""")) {
            ps.setObject(1, org);
            ps.setObject(2, org);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!rs.getBoolean(2)) {
                        unknown.remove(rs.getString(1));
                        incidentRestoration.put(rs.getString(1), rs.getTimestamp(3).toInstant());
                    }
                }
            }
        }
        Map<String, Pair> pairs = new TreeMap<>();
        Map<Node, List<String>> reaching = new HashMap<>();
        for (var inc : severity.entrySet()) {
            Node root = new Node("incident", inc.getKey());
            Map<Node, List<Node>> paths = new HashMap<>();
            paths.put(root, List.of(root));
            List<Node> frontier = List.of(root);
            for (int k = 1; k <= maxd && !frontier.isEmpty(); k++) {
                // each new node takes the smallest (type, id) parent of the previous level, as the search in SQL does
                Map<Node, Node> parent = new TreeMap<>();
                for (Node f : frontier.stream().sorted().toList()) {
                    for (Node d : out.getOrDefault(f, List.of())) {
                        if (!paths.containsKey(d)) parent.putIfAbsent(d, f);
                    }
                }
                List<Node> next = new ArrayList<>();
                for (var e : parent.entrySet()) {
                    List<Node> p = new ArrayList<>(paths.get(e.getValue()));
                    p.add(e.getKey());
                    paths.put(e.getKey(), p);
                    next.add(e.getKey());
                    if (e.getKey().type.equals("asset") || e.getKey().type.equals("intel_request")) {
                        pairs.put(key(e.getKey(), inc.getKey()), new Pair(k, pathJson(p), inc.getValue()));
                        reaching.computeIfAbsent(e.getKey(), x -> new ArrayList<>()).add(inc.getKey());
                    }
                }
                frontier = next;
            }
        }
        Map<Node, String> restoration = new TreeMap<>();
        for (var e : reaching.entrySet()) {
            boolean anyUnknown = e.getValue().stream().anyMatch(unknown::contains);
            restoration.put(e.getKey(), anyUnknown ? null : e.getValue().stream().map(incidentRestoration::get)
                    .max(Comparator.naturalOrder()).map(ImpactModel::ts).orElse(null));
        }
        return new State(pairs, restoration);
    }

    /** The stored state (impact_reach rows of subjects, impact_subjects of affected subjects), as the model sees it. */
    static State stored(Connection c, UUID org) throws SQLException {
        Map<String, Pair> pairs = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT r.node_type, r.node_id::text, r.incident_id::text, r.distance, r.path::text, i.severity
                FROM impact_reach r JOIN incidents i ON i.id = r.incident_id
                WHERE r.organization_id = ? AND r.node_type IN ('asset', 'intel_request')""")) {
            ps.setObject(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pairs.put(key(new Node(rs.getString(1), rs.getString(2)), rs.getString(3)),
                            new Pair(rs.getInt(4), Json.mapper().readTree(rs.getString(5)).toString(), rs.getInt(6)));
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        Map<Node, String> restoration = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT subject_type, subject_id::text, impact_ts(estimated_restoration) FROM impact_subjects
                WHERE organization_id = ? AND affected""")) {
            ps.setObject(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) restoration.put(new Node(rs.getString(1), rs.getString(2)), rs.getString(3));
            }
        }
        return new State(pairs, restoration);
    }

    static String key(Node subject, String incident) {
        return subject.type + ":" + subject.id + "|" + incident;
    }

    static String pathJson(List<Node> path) {
        var arr = Json.mapper().createArrayNode();
        for (Node n : path) arr.addObject().put("id", n.id).put("type", n.type); // jsonb key order
        return arr.toString();
    }

    static String ts(Instant t) {
        return t == null ? null : java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
                .withZone(java.time.ZoneOffset.UTC).format(t);
    }

    /**
     * A receiver: applies events in log order and fails on one that is out of sequence (missing or repeated) or says
     * nothing new (extra).
     */
    static final class Receiver {
        final Map<String, Pair> pairs = new TreeMap<>();
        final Map<Node, String> restoration = new TreeMap<>();
        final Map<Node, Long> sequence = new HashMap<>();
        final Map<String, Integer> byType = new LinkedHashMap<>();
        long lastId;
        long events;

        void apply(String type, JsonNode data) {
            events++;
            byType.merge(type, 1, Integer::sum);
            Node s = new Node(data.path("subject").path("type").asText(), data.path("subject").path("id").asText());
            long seq = data.path("sequence").asLong();
            long prev = sequence.getOrDefault(s, 0L);
            if (seq != prev + 1) throw new AssertionError("sequence of " + s + ": " + seq + " after " + prev + " (" + type + ")");
            sequence.put(s, seq);
            String rest = data.path("estimated_restoration").isNull() ? null : data.path("estimated_restoration").asText();
            String incident = data.path("incident").path("id").asText(null);
            String k = incident == null ? null : key(s, incident);
            switch (type) {
                case "impact.started" -> {
                    if (pairs.containsKey(k)) throw new AssertionError("started twice: " + k);
                    pairs.put(k, pair(data));
                }
                case "impact.updated" -> {
                    Pair old = pairs.get(k);
                    if (old == null) throw new AssertionError("updated without started: " + k);
                    Pair now = pair(data);
                    if (old.equals(now) && java.util.Objects.equals(restoration.get(s), rest)) {
                        throw new AssertionError("updated with nothing new: " + k);
                    }
                    pairs.put(k, now);
                }
                case "impact.ended" -> {
                    if (pairs.remove(k) == null) throw new AssertionError("ended without started: " + k);
                }
                case "impact.cleared" -> {
                    String prefix = s.type + ":" + s.id + "|";
                    if (pairs.keySet().stream().anyMatch(x -> x.startsWith(prefix))) throw new AssertionError("cleared while affected: " + s);
                    if (!restoration.containsKey(s)) throw new AssertionError("cleared but never affected: " + s);
                }
                default -> throw new AssertionError("unknown type " + type);
            }
            String prefix = s.type + ":" + s.id + "|";
            if (pairs.keySet().stream().anyMatch(x -> x.startsWith(prefix))) restoration.put(s, rest);
            else if (type.equals("impact.cleared")) restoration.remove(s);
        }

        private static Pair pair(JsonNode d) {
            return new Pair(d.path("distance").asInt(), d.path("path").toString(), d.path("incident").path("severity").asInt());
        }

        State state() {
            return new State(new TreeMap<>(pairs), new TreeMap<>(restoration));
        }
    }

    private static int one(Connection c, String sql, UUID org) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static List<String> ids(Connection c, String sql, UUID org) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        }
        return out;
    }
}
