package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.Herald;
import dev.herald.HeraldSettings;
import dev.herald.api.ApiSettings;
import dev.herald.cache.CacheSettings;
import dev.herald.current.CurrentSettings;
import dev.herald.graph.GraphSettings;
import dev.herald.infra.DbSettings;
import dev.herald.limits.LimitSettings;
import dev.herald.pipeline.PipelineSettings;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Settings that must agree with each other: each feature's typed settings refuse a bad combination with a message that
 * names both settings, their values and where each came from; every configuration Herald ships with passes.
 */
class CrossChecksTest {

    private static HeraldConfig config(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put(keyValues[i], keyValues[i + 1]);
        return HeraldConfig.defaults(m);
    }

    private static String refusal(Function<HeraldConfig, ?> feature, HeraldConfig config) {
        try {
            feature.apply(config);
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + config);
    }

    @Test
    void theDefaultsAndTheShippedConfigurationsPassEveryCheck() {
        HeraldSettings.from(config());
        // the demo (DemoCommand's flags)
        HeraldSettings.from(config("http.port", "0", "delivery.allow-private-targets", "true", "http.log-requests", "false",
                "work.poll-interval", "200ms", "delivery.retry-schedule", "0s,200ms,400ms,800ms,2s,5s,10s,30s"));
        // the benchmarks (burst, graph, pipeline, queue)
        HeraldSettings.from(config("delivery.allow-private-targets", "true", "limits.rate", "1000000", "limits.burst", "1000000",
                "work.consumers", "32"));
        HeraldSettings.from(config("db.statement-timeout", "60s"));
        HeraldSettings.from(config("work.consumers", "16", "db.pool-size", "48", "work.poll-interval", "100ms"));
        // the tightest test configurations
        HeraldSettings.from(config("work.lease", "2s", "work.heartbeat", "300ms", "work.reclaim-interval", "500ms",
                "work.batch-size", "5", "delivery.retry-schedule", "0s,50ms,200ms", "delivery.circuit-open", "200ms",
                "delivery.circuit-open-max", "1s", "delivery.slow-send", "100ms"));
        HeraldSettings.from(config("db.statement-timeout", "300ms", "db.lock-timeout", "150ms", "db.retry-deadline", "8s",
                "db.retry-max-attempts", "8", "db.retry-base-delay", "10ms", "db.retry-max-delay", "50ms"));
        HeraldSettings.from(config("current.feed-max-silence", "1h", "current.consistency", "strict"));
    }

    @Test
    void theHeartbeatMustBeShorterThanTheLease() {
        assertThat(refusal(PipelineSettings::from, config("work.heartbeat", "20s", "work.lease", "10s")))
                .isEqualTo("bad setting combination: work.heartbeat (20s, from override) must be shorter than work.lease (10s, "
                        + "from override): a lease would run out between two heartbeats and another process would take work "
                        + "still in progress");
        assertThat(refusal(PipelineSettings::from, config("work.heartbeat", "20s")))
                .contains("work.heartbeat (20s, from override) must be shorter than work.lease (20s, default)");
    }

    @Test
    void theBatchSizeMustNotExceedTheBatchMaximum() {
        // before: the larger of the two silently became the maximum
        assertThat(refusal(PipelineSettings::from, config("work.batch-size", "100")))
                .contains("work.batch-size (100, from override) must not be larger than work.batch-max (64, default)");
        PipelineSettings equal = PipelineSettings.from(config("work.batch-size", "64"));
        assertThat(equal.batchSize()).isEqualTo(equal.batchMax());
    }

    @Test
    void theRenderQueueHoldsEveryUnitInFlight() {
        assertThat(refusal(dev.herald.templates.TemplateSettings::from, config("work.max-in-flight", "1000")))
                .contains("work.max-in-flight (1000, from override) must not be larger than delivery.template.render-queue (256, default)");
        assertThat(dev.herald.templates.TemplateSettings.from(config("work.max-in-flight", "1000", "delivery.template.render-queue", "1000"))
                .renderQueue()).isEqualTo(1000);
    }

    @Test
    void retryDelaysAreOrdered() {
        // the default schedule (85h35m) against a horizon of one day
        assertThat(refusal(PipelineSettings::from, config("delivery.max-retry-horizon", "1d")))
                .contains("delivery.retry-schedule (0s,5s,5m,30m,2h,5h,10h,10h,14h,20h,24h, default) adds up to " + "85h35m5s")
                .contains("delivery.max-retry-horizon (1d, from override)");
        assertThat(refusal(PipelineSettings::from, config("delivery.circuit-open", "1h")))
                .contains("delivery.circuit-open (1h, from override) must not be longer than delivery.circuit-open-max (10m, default)");
        assertThat(refusal(DbSettings::from, config("db.retry-base-delay", "2s")))
                .contains("db.retry-base-delay (2s, from override) must not be longer than db.retry-max-delay (1s, default)");
    }

    @Test
    void theSocketTimeoutMustOutlastTheStatementTimeout() {
        assertThat(refusal(DbSettings::from, config("db.socket-timeout", "5s")))
                .contains("db.statement-timeout (5s, default) must be shorter than db.socket-timeout (5s, from override)");
        assertThat(refusal(DbSettings::from, config("db.statement-timeout", "5m")))
                .contains("db.statement-timeout (5m, from override) must be shorter than db.socket-timeout (2m, default)");
    }

    @Test
    void aSingleFlightLeaseMustRunOutBeforeWaitersGiveUp() {
        assertThat(refusal(CacheSettings::from, config("cache.lease", "90s")))
                .contains("cache.lease (90s, from override) must not be longer than cache.wait (1m, default)");
    }

    @Test
    void theChangeFeedProbeMustComeWithinItsAllowedSilence() {
        assertThat(refusal(CurrentSettings::from, config("db.listen-probe-interval", "5s")))
                .contains("db.listen-probe-interval (5s, from override) must be shorter than current.feed-max-silence (2s, default)");
    }

    @Test
    void defaultsMustBeWithinTheirCaps() {
        assertThat(refusal(ApiSettings::from, config("api.list-max-limit", "50")))
                .contains("api.list-default-limit (100, default) must not be larger than api.list-max-limit (50, from override)");
        assertThat(refusal(GraphSettings::from, config("graph.max-distance-cap", "3")))
                .contains("graph.default-max-distance (5, default) must not be larger than graph.max-distance-cap (3, from override)");
    }

    @Test
    void aRateFinerThanTheLimitersClockIsRefused() {
        assertThat(refusal(LimitSettings::from, config("limits.rate", "10000000", "limits.period", "1ms")))
                .contains("limits.rate (10000000, from override) per limits.period (1ms, from override) is finer than one check per nanosecond");
    }

    @Test
    void everyRefusedCombinationIsReportedAtOnce() {
        ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> HeraldSettings.from(
                config("work.heartbeat", "30s", "work.batch-size", "100", "cache.lease", "2m")));
        assertThat(e.problems()).hasSize(3);
        assertThat(e.getMessage()).startsWith("bad setting combinations:\n  ")
                .contains("work.heartbeat (30s", "work.batch-size (100", "cache.lease (2m");
    }

    @Test
    void heraldRefusesABadCombinationBeforeOpeningAnything() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        // neither the database nor Redis is reachable: the settings are what stops the start
        HeraldConfig bad = config("work.heartbeat", "30s", "database.url", "postgresql://127.0.0.1:" + closedPort + "/none",
                "redis.url", "redis://127.0.0.1:" + closedPort);
        assertThatThrownBy(() -> Herald.open(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("work.heartbeat (30s, from override) must be shorter than work.lease (20s, default)");
    }
}
