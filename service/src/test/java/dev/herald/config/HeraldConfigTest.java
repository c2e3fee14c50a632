package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.api.ApiSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeraldConfigTest {
    @TempDir Path dir;

    @Test
    void defaultsAreDocumentedAndValid() {
        HeraldConfig c = HeraldConfig.defaults(Map.of());
        assertThat(c.get(Settings.API_LIST_DEFAULT_LIMIT)).isEqualTo(100);
        assertThat(c.get(Settings.API_LIST_MAX_LIMIT)).isEqualTo(1000);
        assertThat(c.get(Settings.GRAPH_DEFAULT_MAX_DISTANCE)).isEqualTo(5);
        assertThat(c.get(Settings.DB_STATEMENT_TIMEOUT)).isEqualTo(Duration.ofSeconds(5));
        for (Setting<?> s : Settings.ALL) {
            assertThat(s.description()).as(s.key()).isNotBlank();
            assertThat(s.envName()).startsWith("HERALD_");
        }
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheFileWhichBeatsDefaults() throws Exception {
        Path file = dir.resolve("herald.properties");
        Files.writeString(file, "db.pool-size=7\nhttp.port=9000\napi.list-default-limit=50\n");
        HeraldConfig c = HeraldConfig.load(file, Map.of("HERALD_HTTP_PORT", "9001", "HERALD_API_LIST_DEFAULT_LIMIT", "60"),
                Map.of("api.list-default-limit", "70"));
        assertThat(c.get(Settings.DB_POOL_SIZE)).isEqualTo(7);
        assertThat(c.sourceOf(Settings.DB_POOL_SIZE)).isEqualTo("file " + file + " line 1");
        assertThat(c.get(Settings.HTTP_PORT)).isEqualTo(9001);
        assertThat(c.sourceOf(Settings.HTTP_PORT)).isEqualTo("env HERALD_HTTP_PORT");
        assertThat(c.get(Settings.API_LIST_DEFAULT_LIMIT)).isEqualTo(70);
        assertThat(c.get(Settings.DB_LOCK_TIMEOUT)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void theDataDirectoryFileIsReadWhenNoFileIsGiven() throws Exception {
        Files.writeString(dir.resolve("herald.properties"), "http.port=9100\n");
        HeraldConfig c = HeraldConfig.load(null, Map.of(), Map.of("data.dir", dir.toString()));
        assertThat(c.get(Settings.HTTP_PORT)).isEqualTo(9100);
    }

    @Test
    void everyBadValueIsReportedWithItsSettingAndSource() {
        assertThatThrownBy(() -> HeraldConfig.load(null, Map.of("HERALD_DB_STATEMENT_TIMEOUT", "soon"),
                Map.of("db.pool-size", "0", "nope", "1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("db.pool-size (from flag): 0 is outside 1..500")
                .hasMessageContaining("db.statement-timeout (from env HERALD_DB_STATEMENT_TIMEOUT): 'soon' is not a duration")
                .hasMessageContaining("unknown setting 'nope'");
    }

    @Test
    void inconsistentLimitsAreRejected() {
        // each value is fine on its own; the API's typed settings refuse the pair (see CrossChecksTest)
        assertThatThrownBy(() -> ApiSettings.from(HeraldConfig.defaults(Map.of("api.list-default-limit", "2000"))))
                .hasMessageContaining("api.list-default-limit (2000, from override) must not be larger than api.list-max-limit (1000, default)");
        assertThatThrownBy(() -> HeraldConfig.defaults(Map.of("database.url", "mysql://x")))
                .hasMessageContaining("database.url").hasMessageContaining("is not a PostgreSQL URL");
    }

    @Test
    void durationsReadShortAndIsoForms() {
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("6h")).isEqualTo(Duration.ofHours(6));
        assertThat(Durations.parse("PT5S")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Durations.format(Duration.ofMinutes(10))).isEqualTo("10m");
        assertThatThrownBy(() -> Durations.parse("5 parsecs")).isInstanceOf(IllegalArgumentException.class);
    }
}
