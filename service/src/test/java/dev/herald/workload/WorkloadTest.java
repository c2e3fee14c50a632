package dev.herald.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.config.HeraldConfig;
import dev.herald.infra.Database;
import dev.herald.infra.DbSettings;
import dev.herald.infra.Metrics;
import dev.herald.testing.TestPostgres;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

class WorkloadTest {

    @Test
    void theSameSeedGivesTheSameDataAndAnotherSeedOtherData() {
        WorkloadGenerator a = new WorkloadGenerator(Profile.SMALL, 7);
        WorkloadGenerator b = new WorkloadGenerator(Profile.SMALL, 7);
        WorkloadGenerator c = new WorkloadGenerator(Profile.SMALL, 8);
        a.generate();
        b.generate();
        c.generate();
        for (int i = 0; i < a.tablesInLoadOrder().size(); i++) {
            assertThat(a.tablesInLoadOrder().get(i).csv()).isEqualTo(b.tablesInLoadOrder().get(i).csv());
        }
        assertThat(a.dependencies.csv()).isNotEqualTo(c.dependencies.csv());
    }

    @Test
    void theLargeProfileHasTheShapeOfTheReferenceOrganization() {
        WorkloadGenerator g = new WorkloadGenerator(Profile.LARGE, 42);
        g.generate();
        assertThat(g.liveEdges).isGreaterThanOrEqualTo(150_000);
        assertThat(g.intelRequests.rows()).isEqualTo(20_000);
        assertThat(g.assets.rows()).isEqualTo(50_000);
        assertThat(g.maxChainDepth).isGreaterThanOrEqualTo(12);
        assertThat(g.diamonds()).isGreaterThan(1000);
        assertThat(g.cycleEdges).isGreaterThan(10);
        double deletedShare = (double) g.deletedEdges / (g.deletedEdges + g.liveEdges);
        assertThat(deletedShare).isBetween(0.03, 0.08);
    }

    @Test
    void aSeedLoadsEverythingOnceAndASecondSeedIntoTheSameDatabaseWritesNothing() {
        HeraldConfig config = TestPostgres.freshConfig();
        SeedSettings seeding = SeedSettings.from(config);
        try (Database db = Database.open(DbSettings.from(config), new Metrics())) {
            SeedSummary s = Workload.seed(db, seeding, Profile.SMALL, 42, line -> { });
            assertThat(s.counts().get("intel_requests")).isEqualTo(400);
            assertThat(count(db, "dependencies WHERE deleted IS NULL")).isEqualTo(s.liveEdges());
            assertThat(count(db, "incidents WHERE status = 'open'")).isEqualTo(60);
            assertThat(Workload.find(db, Profile.SMALL, 42)).contains(s);
            assertThat(Workload.ensureLoaded(db, seeding, Profile.SMALL, 42, line -> { })).isEqualTo(s);

            long orgsBefore = count(db, "organizations");
            assertThatThrownBy(() -> Workload.seed(db, seeding, Profile.SMALL, 43, line -> { }))
                    .hasMessageContaining("the database is not empty");
            assertThat(count(db, "organizations")).isEqualTo(orgsBefore);
            assertThat(count(db, "intel_requests")).isEqualTo(400);
            // user triggers are enabled again after the load
            assertThat(count(db, "pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid WHERE NOT t.tgisinternal AND t.tgenabled = 'D'")).isZero();
        }
    }

    private static long count(Database db, String from) {
        return db.read("test.count", c -> {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM " + from)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
