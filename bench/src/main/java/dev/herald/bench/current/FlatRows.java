package dev.herald.bench.current;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Formats the records of one flat-join row in the view's entry shape (UTC microsecond timestamps, nested locations). */
final class FlatRows {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'");

    private FlatRows() {}

    static ObjectNode incident(ResultSet rs) throws SQLException {
        ObjectNode o = F.objectNode();
        o.put("id", rs.getString("id"));
        o.put("organization_id", rs.getString("organization_id"));
        o.put("kind", rs.getString("kind"));
        o.put("status", rs.getString("status"));
        o.put("severity", rs.getInt("severity"));
        o.put("title", rs.getString("title"));
        o.put("started_at", ts(rs, "started_at"));
        o.put("updated_at", ts(rs, "updated_at"));
        o.put("version", rs.getLong("version"));
        o.set("location", location(rs, "il_"));
        return o;
    }

    static JsonNode outage(ResultSet rs) throws SQLException {
        ObjectNode o = F.objectNode();
        o.put("id", rs.getString("o_id"));
        o.put("utility", rs.getString("utility"));
        o.put("customers_affected", (Integer) rs.getObject("customers_affected"));
        o.put("estimated_restoration", ts(rs, "o_estimated_restoration"));
        o.put("updated_at", ts(rs, "o_updated_at"));
        o.set("location", location(rs, "ol_"));
        return o;
    }

    static JsonNode internetOutage(ResultSet rs) throws SQLException {
        ObjectNode o = F.objectNode();
        o.put("id", rs.getString("n_id"));
        o.put("provider", rs.getString("provider"));
        o.put("service", rs.getString("service"));
        o.put("started_at", ts(rs, "n_started_at"));
        o.put("estimated_restoration", ts(rs, "n_estimated_restoration"));
        o.put("updated_at", ts(rs, "n_updated_at"));
        return o;
    }

    static JsonNode asset(ResultSet rs) throws SQLException {
        ObjectNode o = F.objectNode();
        o.put("id", rs.getString("s_id"));
        o.put("name", rs.getString("s_name"));
        o.put("asset_type_id", rs.getString("asset_type_id"));
        o.put("location_id", rs.getString("s_location_id"));
        return o;
    }

    static JsonNode intel(ResultSet rs, String prefix) throws SQLException {
        ObjectNode o = F.objectNode();
        o.put("id", rs.getString(prefix + "id"));
        o.put("parent_id", rs.getString(prefix + "parent_id"));
        o.put("question", rs.getString(prefix + "question"));
        o.put("status", rs.getString(prefix + "status"));
        return o;
    }

    private static JsonNode location(ResultSet rs, String prefix) throws SQLException {
        String id = rs.getString(prefix + "id");
        if (id == null) return F.nullNode();
        ObjectNode l = F.objectNode();
        l.put("id", id);
        l.put("lat", rs.getDouble(prefix + "lat"));
        l.put("lon", rs.getDouble(prefix + "lon"));
        for (String k : new String[] {"thoroughfare", "locality", "region", "postcode"}) l.put(k, rs.getString(prefix + k));
        return l;
    }

    private static String ts(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC).format(TS);
    }
}
