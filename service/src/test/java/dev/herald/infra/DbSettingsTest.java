package dev.herald.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.HeraldConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Combinations of database settings that Herald starts with but that do not do what they say: named in a warning. */
class DbSettingsTest {

    @Test
    void theDefaultsRaiseNoWarning() {
        assertThat(DbSettings.hazards(HeraldConfig.defaults(Map.of()))).isEmpty();
    }

    @Test
    void longJobTimeoutsAboveTheSocketTimeoutAreNoHazard() { // their connection waits their timeout plus the socket timeout
        assertThat(DbSettings.hazards(HeraldConfig.defaults(Map.of("db.socket-timeout", "60s")))).isEmpty();
        assertThat(DbSettings.hazards(HeraldConfig.defaults(Map.of("seed.statement-timeout", "30m")))).isEmpty();
    }

    @Test
    void aLockTimeoutThatCanNeverFireIsNamed() {
        assertThat(DbSettings.hazards(HeraldConfig.defaults(Map.of("db.lock-timeout", "10s"))))
                .singleElement().asString()
                .startsWith("db.lock-timeout (10s, from override) must be shorter than db.statement-timeout (5s, default)");
    }
}
