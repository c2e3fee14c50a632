package dev.herald.records;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestApp;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Creates records through the real API with a given key, asserting each create succeeded. */
public final class Fixtures {
    private final TestApp app;
    private final String key;

    public Fixtures(TestApp app, String key) {
        this.app = app;
        this.key = key;
    }

    public static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    public UUID create(String path, Map<String, Object> body) {
        TestApp.Response r = app.post(path, key, body);
        assertThat(r.status()).as("POST %s -> %s", path, r.raw()).isEqualTo(201);
        return UUID.fromString(r.body().get("id").asText());
    }

    public UUID location() {
        return create("/locations", map("lat", 52.5, "lon", 13.4, "locality", "Berlin"));
    }

    public UUID assetType(String name) {
        return create("/asset-types", map("name", name));
    }

    public UUID asset(UUID type, UUID location) {
        return create("/assets", map("asset_type_id", type, "location_id", location, "name", "tower"));
    }

    public UUID incident(UUID location) {
        return create("/incidents", map("location_id", location, "kind", "power", "severity", 3, "title", "grid down"));
    }

    public UUID outage(UUID incident) {
        return create("/outages", map("incident_id", incident, "utility", "Vattenfall", "customers_affected", 120));
    }

    public UUID internetOutage(UUID incident) {
        return create("/internet-outages", map("incident_id", incident, "provider", "DT"));
    }

    public UUID intel(UUID parent) {
        return create("/intel-requests", map("question", "on generator?", "parent_id", parent));
    }
}
