package dev.herald.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.Herald;
import dev.herald.testing.TestPostgres;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A template sees one incident shape whichever way its context got the incident: from the current-incidents view (an
 * open incident) or from the incident's row (a resolved one), both built by {@code herald_incident_json}.
 */
class IncidentJsonTest {
    static final String UTC_MICROS = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z";
    static Herald herald;

    @BeforeAll
    static void open() {
        herald = Herald.open(TestPostgres.freshConfig());
    }

    @AfterAll
    static void close() {
        herald.close();
    }

    @Test
    void theViewAndTheRowGiveTheSameIncidentJson() {
        UUID org = herald.organizations().create("Json Org " + UUID.randomUUID(), null, false, null).id();
        Fixtures f = new Fixtures(herald.db(), org);
        UUID incident = f.incident("power", 3);
        PipelineReads reads = new PipelineReads(herald.db());

        JsonNode fromView = herald.currentIncidents().get(org, incident).orElseThrow().entry().get("incident");
        JsonNode fromRow = reads.incident(org, incident).orElseThrow();
        assertThat(fromRow).isEqualTo(fromView);
        for (String field : List.of("started_at", "updated_at")) {
            assertThat(fromRow.get(field).asText()).as(field).matches(UTC_MICROS);
        }
        assertThat(fromRow.has("resolved_at")).isFalse();

        f.exec("UPDATE incidents SET status = 'resolved', resolved_at = now() WHERE id = ?", incident);
        JsonNode resolved = reads.incident(org, incident).orElseThrow();
        assertThat(resolved.get("resolved_at").asText()).matches(UTC_MICROS);
        assertThat(resolved.get("status").asText()).isEqualTo("resolved");
        assertThat(resolved.get("location").get("lat").isNumber()).isTrue();
    }
}
