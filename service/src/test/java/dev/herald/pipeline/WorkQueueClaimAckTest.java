package dev.herald.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.testing.TestPostgres;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The queue without deliveries (as the queue benchmark drives it) does what the consumers do: disjoint claims under a lease, acks guarded by the holder. */
class WorkQueueClaimAckTest {
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
    void claimsAreDisjointAndOnlyTheHolderCanAckThem() {
        Fixtures f = new Fixtures(herald.db(), herald.organizations().create("D " + UUID.randomUUID(), null, false, null).id());
        f.contact("http://127.0.0.1:1/x", "{}");
        f.incidents(10);
        WorkQueue driver = new WorkQueue(herald.db());
        List<UUID> a = driver.claimIds(6, 8, Duration.ofSeconds(30), "a");
        List<UUID> b = driver.claimIds(6, 8, Duration.ofSeconds(30), "b");
        assertThat(a).hasSize(6);
        assertThat(b).hasSize(4).doesNotContainAnyElementsOf(a);
        assertThat(driver.claimIds(6, 8, Duration.ofSeconds(30), "c")).isEmpty();

        assertThat(driver.ackDone(b, "a")).isZero(); // not a's lease
        assertThat(driver.ackDone(a, "a")).isEqualTo(6);
        assertThat(driver.ackDone(a, "a")).isZero(); // already done: an ack is applied once
        assertThat(driver.ackDone(b, "b")).isEqualTo(4);

        List<UUID> all = new ArrayList<>(a);
        all.addAll(b);
        long done = herald.db().read("test", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM work_units WHERE id = ANY(?) AND state = 'done'")) {
                ps.setArray(1, c.createArrayOf("uuid", all.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        assertThat(done).isEqualTo(10);
    }
}
