package dev.herald.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.records.RecordSql;
import dev.herald.testing.TestPostgres;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** retention.deliveries: old attempt days are dropped whole, old deliveries deleted in bounded batches, recent ones kept. */
class RetentionTest {
    static Herald herald;
    static Fixtures f;
    static Retention retention;

    @BeforeAll
    static void open() {
        herald = Herald.open(TestPostgres.freshConfig());
        f = new Fixtures(herald.db(), herald.organizations().create("retention", null, false, null).id());
        retention = new Retention(herald.db());
    }

    @AfterAll
    static void close() {
        herald.close();
    }

    List<String> partitions() {
        return herald.db().read("Test.PARTITIONS", c -> RecordSql.query(c, Retention.LIST_PARTITIONS, rs -> rs.getString(1)));
    }

    @Test
    void oldAttemptDaysAreDroppedWholeAndDaysAheadExist() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(retention.ensurePartitions(7)).isZero(); // the migration made them
        assertThat(partitions()).contains("delivery_attempts_" + today.plusDays(7).toString().replace("-", ""));
        LocalDate old = today.minusDays(40);
        assertThat(f.count("SELECT herald_attempt_partitions(?, ?)", old, old)).isEqualTo(1);
        UUID contact = f.contact("https://example.com/h", "{}");
        f.exec("INSERT INTO delivery_attempts (delivery_id, attempt, organization_id, contact_id, started_at, duration_ms, outcome, process) "
                + "VALUES (?, 1, ?, ?, now() - interval '40 days', 5, 'delivered', 'test'), (?, 1, ?, ?, now(), 5, 'delivered', 'test')",
                UUID.randomUUID(), f.org, contact, UUID.randomUUID(), f.org, contact);
        String oldName = "delivery_attempts_" + old.toString().replace("-", "");
        assertThat(partitions()).contains(oldName);

        assertThat(retention.dropExpiredPartitions(Duration.ofDays(30))).containsExactly(oldName);
        assertThat(partitions()).doesNotContain(oldName);
        assertThat(f.count("SELECT count(*) FROM delivery_attempts WHERE contact_id = ?", contact)).isEqualTo(1);
        assertThat(retention.dropExpiredPartitions(Duration.ofDays(30))).isEmpty();
    }

    @Test
    void oldDeliveriesGoInBoundedBatchesAndRecentOnesStay() {
        UUID contact = f.contact("https://example.com/h", "{}");
        for (int i = 0; i < 5; i++) delivery(contact, "40 days");
        for (int i = 0; i < 3; i++) delivery(contact, "1 day");
        assertThat(retention.pruneDeliveries(Duration.ofDays(30), 2)).isEqualTo(2);
        assertThat(retention.pruneDeliveries(Duration.ofDays(30), 10)).isEqualTo(3);
        assertThat(retention.pruneDeliveries(Duration.ofDays(30), 10)).isZero();
        assertThat(f.count("SELECT count(*) FROM deliveries WHERE contact_id = ?", contact)).isEqualTo(3);
    }

    private void delivery(UUID contact, String age) {
        UUID unit = UUID.randomUUID();
        f.exec("INSERT INTO deliveries (id, organization_id, work_unit_id, contact_id, idempotency_key, channel, status, created_at) "
                + "VALUES (?, ?, ?, ?, ?, 'webhook', 'sent', now() - ?::interval)",
                UUID.randomUUID(), f.org, unit, contact, unit + ":" + contact, age);
    }
}
