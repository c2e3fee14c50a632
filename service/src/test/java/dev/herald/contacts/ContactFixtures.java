package dev.herald.contacts;

import dev.herald.testing.TestApp;
import java.util.UUID;

/** Changes written straight to the database, so the notification triggers run as they do in production. */
final class ContactFixtures {
    private ContactFixtures() {}

    /** A new open power incident of {@code org} at a new location: one change, fanned out to the org's contacts. */
    static UUID incident(TestApp app, UUID org) {
        UUID id = UUID.randomUUID();
        app.herald.db().write("Test.INCIDENT", c -> {
            UUID location = UUID.randomUUID();
            try (var ps = c.prepareStatement("INSERT INTO locations (id, organization_id, lat, lon, locality) VALUES (?, ?, 52.5, 13.4, 'Berlin')")) {
                ps.setObject(1, location);
                ps.setObject(2, org);
                ps.executeUpdate();
            }
            try (var ps = c.prepareStatement("INSERT INTO incidents (id, organization_id, location_id, kind, severity, title) VALUES (?, ?, ?, 'power', 3, 't')")) {
                ps.setObject(1, id);
                ps.setObject(2, org);
                ps.setObject(3, location);
                return ps.executeUpdate();
            }
        });
        return id;
    }
}
