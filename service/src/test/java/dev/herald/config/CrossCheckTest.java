package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.Herald;
import dev.herald.infra.DbSettings;
import dev.herald.pipeline.WorkSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings valid alone but wrong together stop the start, naming both settings, their values and their sources. */
class CrossCheckTest {
    private static HeraldConfig with(Map<String, String> values) {
        return HeraldConfig.defaults(values);
    }

    @Test
    void theDefaultsPass() {
        HeraldConfig c = with(Map.of());
        assertThat(WorkSettings.from(c).batchMax()).isEqualTo(64);
        assertThat(DbSettings.from(c).poolSize()).isEqualTo(24);
    }

    @Test
    void aHeartbeatThatDoesNotBeatTheLeaseIsRefused() {
        assertThatThrownBy(() -> WorkSettings.from(with(Map.of("work.heartbeat", "20s", "work.lease", "10s"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("work.heartbeat (20s").hasMessageContaining("must be shorter than work.lease (10s");
        assertThatThrownBy(() -> WorkSettings.from(with(Map.of("work.heartbeat", "10s", "work.lease", "10s"))))
                .hasMessageContaining("work.heartbeat").hasMessageContaining("work.lease");
    }

    @Test
    void aFirstClaimLargerThanTheLargestIsRefusedNotClamped() {
        assertThatThrownBy(() -> WorkSettings.from(with(Map.of("work.batch-size", "100", "work.batch-max", "64"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("work.batch-size (100").hasMessageContaining("must be at most work.batch-max (64");
    }

    @Test
    void retryDelaysMustBeOrdered() {
        assertThatThrownBy(() -> WorkSettings.from(with(Map.of("work.retry-base-delay", "10m", "work.retry-max-delay", "5m"))))
                .hasMessageContaining("work.retry-base-delay (10m").hasMessageContaining("work.retry-max-delay (5m");
        assertThatThrownBy(() -> DbSettings.from(with(Map.of("db.retry-base-delay", "2s", "db.retry-max-delay", "1s"))))
                .hasMessageContaining("db.retry-base-delay (2s").hasMessageContaining("db.retry-max-delay (1s");
        assertThatThrownBy(() -> DbSettings.from(with(Map.of("db.retry-max-delay", "20s", "db.retry-deadline", "15s"))))
                .hasMessageContaining("db.retry-max-delay (20s").hasMessageContaining("db.retry-deadline (15s");
    }

    @Test
    void aClientTimeoutBelowTheStatementTimeoutIsRefused() {
        assertThatThrownBy(() -> DbSettings.from(with(Map.of("db.statement-timeout", "3m", "db.socket-timeout", "120s"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("db.statement-timeout (3m").hasMessageContaining("must be shorter than db.socket-timeout (2m");
    }

    @Test
    void heraldRefusesToStartOnABadCombination() {
        assertThatThrownBy(() -> Herald.open(with(Map.of("work.heartbeat", "1m", "work.lease", "20s", "database.url",
                "postgresql://127.0.0.1:1/never-reached"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("work.heartbeat");
    }
}
