package dev.herald.current;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testing.TestApp;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP face of the view: scoping, bad input, paging, and the database refusing writes that would break the view. */
class CurrentIncidentsApiTest {
    static TestApp app;
    static RandomWrites data;
    static UUID otherOrg;
    static String otherKey;

    @BeforeAll
    static void start() throws SQLException {
        app = TestApp.start(Map.of("api.current-max-limit", "50"));
        try (Connection c = app.herald.db().dataSource().getConnection()) {
            data = new RandomWrites(c, app.orgId, 42, 23);
            otherOrg = RandomWrites.newOrganization(c, "other");
            new RandomWrites(c, otherOrg, 43, 3);
        }
        otherKey = app.herald.keys().create(otherOrg, "other").secret();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void organizationIdIsRequiredAndMustBeAUuid() {
        var missing = app.get("/incidents/current", app.orgKey);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.errorCode()).isEqualTo("bad_request");
        assertThat(missing.body().path("error").path("message").asText()).contains("organization_id");
        assertThat(app.get("/incidents/current?organization_id=nope", app.orgKey).status()).isEqualTo(400);
        assertThat(app.get("/incidents/current?organization_id=", app.adminKey).status()).isEqualTo(400);
        assertThat(app.get("/incidents/current/not-a-uuid", app.orgKey).status()).isEqualTo(400);
        assertThat(app.get("/incidents/current?organization_id=" + app.orgId + "&limit=x", app.orgKey).status()).isEqualTo(400);
        assertThat(app.get("/incidents/current?organization_id=" + app.orgId + "&cursor=" + "bm90LWEtdXVpZA", app.orgKey).status()).isEqualTo(400);
        assertThat(app.get("/incidents/current?organization_id=" + app.orgId + "&limit=51", app.orgKey).status()).isEqualTo(422);
        assertThat(app.get("/incidents/current?organization_id=" + app.orgId, null).status()).isEqualTo(401);
    }

    @Test
    void unknownOrAnotherOrganizationIsNotFound() {
        var unknown = app.get("/incidents/current?organization_id=" + UUID.randomUUID(), app.adminKey);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorCode()).isEqualTo("not_found");
        var other = app.get("/incidents/current?organization_id=" + otherOrg, app.orgKey);
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.raw()).doesNotContain("incident\"");
        UUID otherIncident = app.herald.currentIncidents().recompute(otherOrg).keySet().iterator().next();
        assertThat(app.get("/incidents/current/" + otherIncident, app.orgKey).status()).isEqualTo(404);
        assertThat(app.get("/incidents/current/" + otherIncident, otherKey).status()).isEqualTo(200);
        assertThat(app.get("/incidents/current/" + otherIncident, app.adminKey).status()).isEqualTo(200);
        assertThat(app.get("/incidents/current/" + UUID.randomUUID(), app.adminKey).status()).isEqualTo(404);
    }

    @Test
    void pagesCoverTheViewOnceInIncidentIdOrder() {
        var fresh = app.herald.currentIncidents().recompute(app.orgId);
        List<String> ids = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var r = app.get("/incidents/current?organization_id=" + app.orgId + "&limit=5&count=true" + (cursor == null ? "" : "&cursor=" + cursor), app.orgKey);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body().path("total").asInt()).isEqualTo(fresh.size());
            assertThat(r.body().get("items").size()).isLessThanOrEqualTo(5);
            for (JsonNode item : r.body().get("items")) ids.add(item.path("incident").path("id").asText());
            cursor = r.body().path("has_more").asBoolean() ? r.body().path("next_cursor").asText() : null;
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo((fresh.size() + 4) / 5);
        assertThat(ids).containsExactlyElementsOf(fresh.keySet().stream().map(UUID::toString).toList());
        var first = app.get("/incidents/current?organization_id=" + app.orgId, app.orgKey);
        assertThat(first.body().has("total")).isFalse();
    }

    @Test
    void resolvingRemovesTheEntryAndReopeningBringsItBack() {
        // through the API, read right after each write: a client reads its own writes without waiting for the feed
        UUID id = app.herald.currentIncidents().recompute(app.orgId).keySet().iterator().next();
        assertThat(app.get("/incidents/current/" + id, app.orgKey).status()).isEqualTo(200);
        assertThat(app.patch("/incidents/" + id, app.orgKey, Map.of("status", "resolved")).status()).isEqualTo(200);
        assertThat(app.get("/incidents/current/" + id, app.orgKey).status()).isEqualTo(404);
        assertThat(app.herald.currentIncidents().get(app.orgId, id)).isEmpty();
        assertThat(app.patch("/incidents/" + id, app.orgKey, Map.of("status", "open", "title", "back")).status()).isEqualTo(200);
        var back = app.get("/incidents/current/" + id, app.orgKey);
        assertThat(back.status()).isEqualTo(200);
        assertThat(back.body().path("incident").path("title").asText()).isEqualTo("back");
    }

    @Test
    void theDatabaseRejectsAWriteThatWouldBreakTheViewAndNothingChanges() throws SQLException {
        long before = app.herald.currentIncidents().all(app.orgId).orElseThrow().size();
        long versionBefore = version();
        try (Connection c = app.herald.db().dataSource().getConnection()) {
            assertThatThrownBy(() -> RandomWrites.sql(c,
                    "INSERT INTO outages (id, organization_id, incident_id, utility) VALUES (?, ?, ?, 'u')",
                    UUID.randomUUID(), app.orgId, UUID.randomUUID()))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23503"));
            assertThatThrownBy(() -> RandomWrites.sql(c,
                    "INSERT INTO internet_outages (id, organization_id, incident_id, provider) VALUES (?, ?, ?, 'isp')",
                    UUID.randomUUID(), app.orgId, UUID.randomUUID()))
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23503"));
            assertThatThrownBy(() -> RandomWrites.sql(c,
                    "UPDATE incidents SET location_id = ? WHERE organization_id = ?", UUID.randomUUID(), app.orgId))
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23503"));
            // another organization's incident or location: exists, but not this tenant's
            UUID otherIncident = app.herald.currentIncidents().recompute(otherOrg).keySet().iterator().next();
            assertThatThrownBy(() -> RandomWrites.sql(c,
                    "INSERT INTO outages (id, organization_id, incident_id, utility) VALUES (?, ?, ?, 'u')",
                    UUID.randomUUID(), app.orgId, otherIncident))
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23503"));
            assertThatThrownBy(() -> RandomWrites.sql(c,
                    "UPDATE incidents SET location_id = (SELECT location_id FROM incidents WHERE id = ?) WHERE organization_id = ?",
                    otherIncident, app.orgId))
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23503"));
        }
        assertThat(version()).isEqualTo(versionBefore);
        assertThat(app.herald.currentIncidents().all(app.orgId).orElseThrow()).hasSize((int) before);
    }

    private static long version() throws SQLException {
        try (Connection c = app.herald.db().dataSource().getConnection();
             var ps = c.prepareStatement("SELECT version FROM current_incidents_versions WHERE organization_id = ?")) {
            ps.setObject(1, app.orgId);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }
}
