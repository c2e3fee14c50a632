package dev.herald.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.Herald;
import dev.herald.infra.Database;
import dev.herald.testing.TestPostgres;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The triggers turn every change that matters into work units in the same transaction, filtered and superseded. */
class NotifyTriggersTest {
    static Herald herald;
    static Database db;

    @BeforeAll
    static void open() {
        herald = Herald.open(TestPostgres.freshConfig());
        db = herald.db();
    }

    @AfterAll
    static void close() {
        herald.close();
    }

    private Fixtures org(boolean everyChange) {
        UUID org = herald.organizations().create("Org " + UUID.randomUUID(), null, everyChange, null).id();
        return new Fixtures(db, org);
    }

    private long units(Fixtures f, UUID contact, String state) {
        return f.count("SELECT count(*) FROM work_units WHERE contact_id = ? AND state = ?", contact, state);
    }

    @Test
    void fansOutToAcceptingLiveContactsAndSupersedesOlderQueuedWork() {
        Fixtures f = org(false);
        UUID all = f.contact("http://127.0.0.1:1/a", "{}");
        UUID internetOnly = f.contact("http://127.0.0.1:1/b", "{\"kinds\": [\"internet\"]}");
        UUID severe = f.contact("http://127.0.0.1:1/c", "{\"min_severity\": 4}");
        UUID disabled = f.contact("http://127.0.0.1:1/d", "{}");
        f.exec("UPDATE contacts SET disabled_at = now() WHERE id = ?", disabled);

        UUID incident = f.incident("power", 3);
        assertThat(units(f, all, "queued")).isEqualTo(1);
        assertThat(units(f, internetOnly, "queued")).isZero();
        assertThat(units(f, severe, "queued")).isZero();
        assertThat(units(f, disabled, "queued")).isZero();
        assertThat(f.count("SELECT count(DISTINCT change_id) FROM work_units WHERE subject_id = ? AND event = 'incident.opened'", incident)).isEqualTo(1);

        f.setSeverity(incident, 5);
        assertThat(units(f, all, "queued")).isEqualTo(1);
        assertThat(units(f, all, "superseded")).isEqualTo(1);
        assertThat(units(f, severe, "queued")).isEqualTo(1);
        assertThat(f.count("SELECT count(*) FROM work_units w JOIN work_units n ON n.id = w.superseded_by "
                + "WHERE w.contact_id = ? AND n.event = 'incident.updated'", all)).isEqualTo(1);

        // A change that does not matter (the title) notifies nobody.
        f.exec("UPDATE incidents SET title = 'renamed' WHERE id = ?", incident);
        assertThat(f.count("SELECT count(DISTINCT change_id) FROM work_units WHERE subject_id = ?", incident)).isEqualTo(2);

        f.exec("UPDATE incidents SET status = 'resolved', resolved_at = now() WHERE id = ?", incident);
        assertThat(f.count("SELECT count(*) FROM work_units WHERE contact_id = ? AND state = 'queued' AND event = 'incident.resolved'", all))
                .isEqualTo(1);
        assertThat(units(f, all, "superseded")).isEqualTo(2);
    }

    @Test
    void everyChangeKeepsEachQueuedChange() {
        Fixtures f = org(true);
        UUID contact = f.contact("http://127.0.0.1:1/a", "{}");
        UUID incident = f.incident("internet", 2);
        f.setSeverity(incident, 3);
        f.setSeverity(incident, 4);
        assertThat(units(f, contact, "queued")).isEqualTo(3);
        assertThat(units(f, contact, "superseded")).isZero();
    }

    @Test
    void outageRestorationAndIntelRequestsNotify() {
        Fixtures f = org(false);
        UUID contact = f.contact("http://127.0.0.1:1/a", "{\"kinds\": [\"power\"]}");
        UUID incident = f.incident("power", 3);
        UUID outage = UUID.randomUUID();
        f.exec("INSERT INTO outages (id, organization_id, incident_id, utility) VALUES (?, ?, ?, 'Grid')", outage, f.org, incident);
        assertThat(f.count("SELECT count(*) FROM work_units WHERE contact_id = ? AND event = 'outage.added'", contact)).isEqualTo(1);
        f.exec("UPDATE outages SET estimated_restoration = now() + interval '2 hours' WHERE id = ?", outage);
        assertThat(f.count("SELECT count(*) FROM work_units WHERE contact_id = ? AND event = 'outage.restoration_changed' AND state = 'queued'", contact))
                .isEqualTo(1);
        f.exec("INSERT INTO internet_outages (id, organization_id, incident_id, provider) VALUES (?, ?, ?, 'ExampleNet')",
                UUID.randomUUID(), f.org, incident);
        assertThat(f.count("SELECT count(*) FROM work_units WHERE contact_id = ? AND event = 'internet_outage.added' AND state = 'queued'", contact))
                .isEqualTo(1);

        UUID intel = UUID.randomUUID();
        f.exec("INSERT INTO intel_requests (id, organization_id, question) VALUES (?, ?, 'on generator?')", intel, f.org);
        f.exec("UPDATE intel_requests SET status = 'answered' WHERE id = ?", intel);
        assertThat(f.count("SELECT count(*) FROM work_units WHERE subject_id = ? AND state = 'queued' AND event = 'intel_request.updated'", intel))
                .isEqualTo(1);
        assertThat(f.count("SELECT count(*) FROM work_units WHERE subject_id = ? AND state = 'superseded'", intel)).isEqualTo(1);
    }

    @Test
    void rolledBackChangesAndSeedLoadsQueueNothing() {
        Fixtures f = org(false);
        UUID contact = f.contact("http://127.0.0.1:1/a", "{}");
        assertThatThrownBy(() -> db.write("Test.ROLLBACK", c -> {
            try (var ps = c.prepareStatement("INSERT INTO incidents (id, organization_id, location_id, kind, severity) VALUES (?, ?, ?, 'power', 3)")) {
                ps.setObject(1, UUID.randomUUID());
                ps.setObject(2, f.org);
                ps.setObject(3, f.location);
                ps.executeUpdate();
            }
            throw new IllegalStateException("abort after the insert");
        })).hasMessageContaining("abort");
        db.write("Test.SEED_LIKE_LOAD", c -> {
            c.createStatement().execute("ALTER TABLE incidents DISABLE TRIGGER USER"); // as the seed loads, in its transaction
            try (var ps = c.prepareStatement("INSERT INTO incidents (id, organization_id, location_id, kind, severity) VALUES (?, ?, ?, 'power', 3)")) {
                ps.setObject(1, UUID.randomUUID());
                ps.setObject(2, f.org);
                ps.setObject(3, f.location);
                ps.executeUpdate();
            }
            c.createStatement().execute("ALTER TABLE incidents ENABLE TRIGGER USER"); // on again before the commit
            return null;
        });
        assertThat(f.count("SELECT count(*) FROM work_units WHERE contact_id = ?", contact)).isZero();
    }

    @Test
    void anIncidentOfAnUnknownOrganizationIsRefusedByTheForeignKey() {
        Fixtures f = org(false);
        assertThatThrownBy(() -> f.exec("INSERT INTO incidents (id, organization_id, location_id, kind, severity) VALUES (?, ?, ?, 'power', 3)",
                UUID.randomUUID(), UUID.randomUUID(), f.location)).hasMessageContaining("foreign key");
        assertThat(f.count("SELECT count(*) FROM work_units WHERE organization_id = ?", f.org)).isZero();
    }
}
