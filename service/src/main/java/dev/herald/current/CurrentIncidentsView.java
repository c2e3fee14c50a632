package dev.herald.current;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * An immutable snapshot of one organization's current-incidents view at one view version: the live entries keyed by
 * incident id in PostgreSQL's uuid order (the lowercase text order), so pages match the database's order.
 * Updated copy-on-write by {@link #apply}. Thread-safe (immutable).
 */
record CurrentIncidentsView(UUID organizationId, long version, NavigableMap<String, Entry> entries) {

    /**
     * One stored entry: its raw JSON as stored (served as is). {@link #tree} parses it on each call: a tree is mutable,
     * so callers get their own, and the cache holds only the compact text.
     */
    static final class Entry {
        final UUID incidentId;
        final long version;
        final String json;

        Entry(UUID incidentId, long version, String json) {
            this.incidentId = incidentId;
            this.version = version;
            this.json = json;
        }

        JsonNode tree() {
            return Json.readStored(json, "current-incident entry " + incidentId);
        }

        CurrentIncident toCurrentIncident(UUID organizationId) {
            return new CurrentIncident(organizationId, incidentId, version, tree());
        }
    }

    /** A change read from the stored view: json null means the entry was removed. */
    record Change(UUID incidentId, long version, String json) {}

    static CurrentIncidentsView of(UUID organizationId, long version, List<Change> live) {
        TreeMap<String, Entry> m = new TreeMap<>();
        for (Change c : live) {
            if (c.json() != null) m.put(c.incidentId().toString(), new Entry(c.incidentId(), c.version(), c.json()));
        }
        return new CurrentIncidentsView(organizationId, version, Collections.unmodifiableNavigableMap(m));
    }

    /** A new snapshot with the changes applied (entries whose stored version is newer than ours replace ours). */
    CurrentIncidentsView apply(long newVersion, List<Change> changes) {
        if (changes.isEmpty()) {
            return new CurrentIncidentsView(organizationId, Math.max(version, newVersion), entries);
        }
        TreeMap<String, Entry> m = new TreeMap<>(entries);
        for (Change c : changes) {
            String key = c.incidentId().toString();
            Entry old = m.get(key);
            if (old != null && old.version >= c.version()) continue;
            if (c.json() == null) m.remove(key);
            else m.put(key, new Entry(c.incidentId(), c.version(), c.json()));
        }
        return new CurrentIncidentsView(organizationId, Math.max(version, newVersion), Collections.unmodifiableNavigableMap(m));
    }

    Entry get(UUID incidentId) {
        return entries.get(incidentId.toString());
    }

    int size() {
        return entries.size();
    }
}
