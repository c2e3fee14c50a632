package dev.herald.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The plans of the statements that touch leased units, as PostgreSQL makes them for a prepared statement (generic
 * plan) when the statistics were taken while the queue was empty, which is how a burst meets them: they must look the
 * units up by primary key. Guards the ack that scanned every open unit through a partial index on state (O(backlog) per
 * ack: 1.9 ms per statement in the 7,617-unit burst).
 */
class QueuePlanTest {
    static Herald herald;

    @BeforeAll
    static void open() {
        herald = Herald.open(TestPostgres.freshConfig());
        Fixtures f = new Fixtures(herald.db(), herald.organizations().create("Plans " + UUID.randomUUID(), null, false, null).id());
        UUID contact = f.contact("http://127.0.0.1:1/x", "{}");
        herald.db().write("test.finished-units", c -> {
            try (Statement st = c.createStatement()) {
                // A queue with a long history and nothing open, analyzed as such.
                st.execute("INSERT INTO work_units (id, organization_id, subject_type, subject_id, event, contact_id, channel, state, finished_at) "
                        + "SELECT gen_random_uuid(), '" + f.org + "', 'incident', gen_random_uuid(), 'incident.updated', '" + contact
                        + "', 'webhook', 'done', now() FROM generate_series(1, 30000)");
            }
            return null;
        });
        herald.db().write("test.delivered-units", c -> {
            try (Statement st = c.createStatement()) {
                // ... each with its delivery row, as the ack writes them
                st.execute("INSERT INTO deliveries (id, organization_id, work_unit_id, contact_id, idempotency_key, channel, status, attempts) "
                        + "SELECT gen_random_uuid(), organization_id, id, contact_id, id::text || ':' || contact_id::text, 'webhook', 'sent', 1 "
                        + "FROM work_units");
            }
            return null;
        });
        herald.db().write("test.analyze", c -> {
            try (Statement st = c.createStatement()) {
                st.execute("ANALYZE deliveries");
                st.execute("ANALYZE work_units");
            }
            return null;
        });
    }

    @AfterAll
    static void close() {
        herald.close();
    }

    @Test
    void theAckLooksUpItsUnitsByPrimaryKeyWhateverTheStatisticsSay() {
        String plan = genericPlan(WorkQueue.COMPLETE, 30);
        assertThat(plan).contains("work_units_pkey").doesNotContain("work_units_open_created_idx").doesNotContain("work_units_lease_idx");
    }

    @Test
    void theHeartbeatLooksUpItsUnitsByPrimaryKeyWhateverTheStatisticsSay() {
        String plan = genericPlan(WorkQueue.HEARTBEAT, 3);
        assertThat(plan).contains("work_units_pkey").doesNotContain("work_units_open_created_idx").doesNotContain("work_units_lease_idx");
    }

    /**
     * The claim runs with its generic plan (its connections force it, see {@code Database#writeStatement}): it must still
     * take the next ready units from the ready index, not scan the table or the history.
     */
    @Test
    void theDeliveryClaimsGenericPlanTakesTheNextUnitsFromTheReadyIndex() {
        String plan = genericPlan(WorkQueue.CLAIM_FOR_DELIVERY, 4);
        assertThat(plan).contains("work_units_ready_idx").contains("work_units_pkey").doesNotContain("Seq Scan on work_units");
    }

    /**
     * Guards the generic claim plan that hashed every delivery row for each claim (a 4.7 ms claim in a fresh database):
     * with statistics taken during a backlog, the generic plan guesses a tenth of the ready units per claim. The backlog
     * and its statistics are rolled back afterwards (ANALYZE is transactional), so the other tests keep an empty queue.
     */
    @Test
    void theClaimsGenericPlansLookUpEachUnitAndItsDeliveryAndContactByKey() throws Exception {
        String plan;
        String queueOnly;
        try (Connection c = herald.db().dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("INSERT INTO work_units (id, organization_id, subject_type, subject_id, event, contact_id, channel, state) "
                        + "SELECT gen_random_uuid(), organization_id, subject_type, gen_random_uuid(), event, contact_id, channel, 'queued' "
                        + "FROM work_units LIMIT 20000");
                st.execute("ANALYZE work_units");
                plan = explainGeneric(c, WorkQueue.CLAIM_FOR_DELIVERY, 4);
                queueOnly = explainGeneric(c, WorkQueue.CLAIM, 4);
            } finally {
                c.rollback();
            }
        }
        assertThat(plan).contains("work_units_pkey").contains("deliveries_idempotency_idx").contains("contacts_pkey")
                .doesNotContain("Seq Scan").doesNotContain("Hash");
        assertThat(queueOnly).contains("work_units_ready_idx").contains("work_units_pkey").doesNotContain("Seq Scan").doesNotContain("Hash");
    }

    /** EXPLAIN of the statement's generic plan (what a prepared statement runs after its first executions). */
    private static String genericPlan(String jdbcSql, int parameters) {
        return herald.db().read("test.explain", (Connection c) -> explainGeneric(c, jdbcSql, parameters));
    }

    private static String explainGeneric(Connection c, String jdbcSql, int parameters) throws java.sql.SQLException {
        StringBuilder sql = new StringBuilder();
        int n = 0;
        for (char ch : jdbcSql.toCharArray()) {
            if (ch == '?') sql.append('$').append(++n);
            else sql.append(ch);
        }
        assertThat(n).isEqualTo(parameters);
        String name = "plan_" + UUID.randomUUID().toString().replace("-", "");
        {
            try (Statement st = c.createStatement()) {
                st.execute("SET plan_cache_mode = force_generic_plan");
                st.execute("PREPARE " + name + " AS " + sql);
                StringBuilder plan = new StringBuilder();
                try (ResultSet rs = st.executeQuery("EXPLAIN EXECUTE " + name + "(" + "NULL, ".repeat(parameters - 1) + "'consumer')")) {
                    while (rs.next()) plan.append(rs.getString(1)).append('\n');
                }
                st.execute("DEALLOCATE " + name);
                st.execute("RESET plan_cache_mode");
                return plan.toString();
            }
        }
    }
}
