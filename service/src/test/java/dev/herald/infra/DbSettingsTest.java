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
    void aSocketTimeoutBelowTheLongJobTimeoutsIsNamed() {
        assertThat(DbSettings.hazards(HeraldConfig.defaults(Map.of("db.socket-timeout", "60s"))))
                .anyMatch(h -> h.startsWith("seed.statement-timeout (10m, default) must be shorter than db.socket-timeout (1m, from override)"))
                .anyMatch(h -> h.startsWith("current.rebuild-timeout (10m, default) must be shorter than db.socket-timeout (1m, from override)"));
        assertThat(DbSettings.hazards(HeraldConfig.defaults(Map.of("seed.statement-timeout", "30m"))))
                .singleElement().asString()
                .startsWith("seed.statement-timeout (30m, from override) must be shorter than db.socket-timeout (2m, default)");
    }

    @Test
    void aLockTimeoutThatCanNeverFireIsNamed() {
        assertThat(DbSettings.hazards(HeraldConfig.defaults(Map.of("db.lock-timeout", "10s"))))
                .singleElement().asString()
                .startsWith("db.lock-timeout (10s, from override) must be shorter than db.statement-timeout (5s, default)");
    }
}
