package dev.herald.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.herald.testing.TestApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The shipped alert rules parse, are complete, and name only metrics that a running Herald really exports (read from its
 * Prometheus scrape after a real delivery, not from a list kept by hand).
 */
class AlertRulesTest {
    static final Pattern METRIC = Pattern.compile("\\bherald_[a-z0-9_]+");

    static Path rulesFile() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("ops/prometheus/herald-alerts.yml"))) p = p.getParent();
        assertThat(p).as("ops/prometheus/herald-alerts.yml above the working directory").isNotNull();
        return p.resolve("ops/prometheus/herald-alerts.yml");
    }

    @Test
    void everyRuleIsCompleteAndNamesExportedMetrics() throws Exception {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(rulesFile().toFile());
        Set<String> named = new TreeSet<>();
        Set<String> alerts = new TreeSet<>();
        for (JsonNode group : doc.get("groups")) {
            assertThat(group.path("name").asText()).isNotBlank();
            for (JsonNode rule : group.get("rules")) {
                String alert = rule.path("alert").asText();
                assertThat(alert).as("alert name").matches("[A-Z][A-Za-z0-9]+");
                assertThat(rule.path("expr").asText()).as(alert + " expr").isNotBlank();
                assertThat(rule.path("for").asText()).as(alert + " for").matches("\\d+[smh]");
                assertThat(rule.path("labels").path("severity").asText()).as(alert + " severity").isIn("page", "ticket");
                assertThat(rule.path("annotations").path("summary").asText()).as(alert + " summary").isNotBlank();
                assertThat(balanced(rule.get("expr").asText())).as(alert + " brackets balance").isTrue();
                Matcher m = METRIC.matcher(rule.get("expr").asText());
                int found = 0;
                while (m.find()) {
                    named.add(m.group());
                    found++;
                }
                assertThat(found).as(alert + " names a Herald metric").isPositive();
                alerts.add(alert);
            }
        }
        assertThat(alerts).contains("HeraldQueueDeep", "HeraldOldestWorkNearSla", "HeraldDeadWorkUnits", "HeraldDeliveryFailureRate");

        Set<String> exported = exportedMetricNames();
        assertThat(exported).as("metrics exported by a running Herald").containsAll(named);
    }

    /** Runs one real delivery, then reads metric names from the process's Prometheus exposition. */
    private static Set<String> exportedMetricNames() throws Exception {
        try (TestApp app = TestApp.start(Map.of("work.consumers", "2", "work.poll-interval", "100ms",
                "cache.ttl.metrics", "100ms", "delivery.allow-private-targets", "true"));
             Receiver receiver = new Receiver()) {
            app.herald.pipeline().startConsumers(); // the process's own parts, as serve and worker run them
            Fixtures f = new Fixtures(app.herald.db(), app.orgId);
            f.contact(receiver.url("/ok"), "{}");
            f.incident("power", 3);
            await("one delivery").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> receiver.accepted() >= 1 && f.count("SELECT count(*) FROM work_units WHERE state = 'done'") >= 1);
            var scrape = app.get("/metrics", null);
            assertThat(scrape.status()).isEqualTo(200);
            Set<String> names = scrape.raw().lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                    .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
            assertThat(names).as("the step histogram is exported").contains("herald_pipeline_step_seconds_bucket");
            assertThat(scrape.raw()).contains("herald_queue_depth ").contains("herald_deliveries_total{outcome=\"delivered\"");
            return names;
        }
    }

    static boolean balanced(String s) {
        int depth = 0;
        for (char ch : s.toCharArray()) {
            if (ch == '(' || ch == '[' || ch == '{') depth++;
            if (ch == ')' || ch == ']' || ch == '}') depth--;
            if (depth < 0) return false;
        }
        return depth == 0;
    }
}
