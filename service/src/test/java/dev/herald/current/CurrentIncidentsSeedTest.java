package dev.herald.current;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.testing.TestPostgres;
import dev.herald.workload.Profile;
import dev.herald.workload.SeedSummary;
import dev.herald.workload.Workload;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/** The seed loads with triggers off and then builds the view with current_incidents_rebuild: the view is complete. */
class CurrentIncidentsSeedTest {
    @Test
    void seededWorkloadHasItsWholeViewAndTheJavaModelAgrees() throws Exception {
        try (Herald herald = Herald.open(TestPostgres.freshConfig())) {
            SeedSummary s = Workload.seed(herald.db(), herald.settings().seed(), Profile.SMALL, 42, line -> {});
            var fresh = herald.currentIncidents().recompute(s.organizationId());
            assertThat(fresh).hasSize(60);
            var served = herald.currentIncidents().all(s.organizationId()).orElseThrow();
            assertThat(served).hasSize(fresh.size());
            served.forEach(ci -> assertThat(ViewModel.same(fresh.get(ci.incidentId()), ci.entry())).isTrue());
            try (Connection c = herald.db().dataSource().getConnection()) {
                assertThat(ViewModel.differences(ViewModel.expected(c, s.organizationId()), fresh)).isEmpty();
            }
            assertThat(herald.currentIncidents().rebuild().run(s.organizationId(), 3).differences()).isZero();
        }
    }
}
