package dev.herald.bench.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GateCheckTest {
    private static JsonNode json(String s) throws Exception {
        return Json.mapper().readTree(s);
    }

    @Test
    void ratioOfNestedFieldsPassesOnlyAtOrAboveItsThreshold() throws Exception {
        GateCheck c = GateCheck.parse("ratelimit.hot", "lock_based.p50 / herald.p50 >= 100");
        assertThat(c.bench()).isEqualTo("ratelimit");
        assertThat(c.name()).isEqualTo("hot");
        double fast = c.measure(json("{\"lock_based\":{\"p50\":900},\"herald\":{\"p50\":0.5}}"));
        assertThat(fast).isEqualTo(1800.0);
        assertThat(c.passes(fast)).isTrue();
        double regressed = c.measure(json("{\"lock_based\":{\"p50\":900},\"herald\":{\"p50\":90}}"));
        assertThat(c.passes(regressed)).isFalse();
    }

    @Test
    void equalityCatchesAnyLossAndBooleansCount() throws Exception {
        GateCheck lost = GateCheck.parse("burst.lost", "lost == 0");
        assertThat(lost.passes(lost.measure(json("{\"lost\":0}")))).isTrue();
        assertThat(lost.passes(lost.measure(json("{\"lost\":1}")))).isFalse();
        GateCheck ok = GateCheck.parse("current.match", "match == 1");
        assertThat(ok.passes(ok.measure(json("{\"match\":true}")))).isTrue();
        assertThat(ok.passes(ok.measure(json("{\"match\":false}")))).isFalse();
        GateCheck atMost = GateCheck.parse("burst.assemblies", "assemblies_per_fingerprint <= 1.05");
        assertThat(atMost.passes(1.05)).isTrue();
        assertThat(atMost.passes(1.2)).isFalse();
    }

    @Test
    void aMissingFieldFailsInsteadOfPassing() throws Exception {
        GateCheck c = GateCheck.parse("queue.ratio", "ratio >= 1.2");
        double v = c.measure(json("{\"other\":3}"));
        assertThat(v).isNaN();
        assertThat(c.passes(v)).isFalse();
        assertThat(c.passes(c.measure(json("{\"ratio\":null}")))).isFalse();
    }

    @Test
    void malformedLinesAreRejectedWithTheirKey() {
        assertThatThrownBy(() -> GateCheck.parse("queue.ratio", "ratio > 1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queue.ratio");
        assertThatThrownBy(() -> GateCheck.parse("nobench", "ratio >= 1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("<bench>.<name>");
    }

    @Test
    void theThresholdFileKeepsItsOrderAndGroupsByBench(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.properties");
        Files.writeString(f, "# comment\nqueue.ratio = ratio >= 1.2\nburst.lost = lost == 0\nqueue.lost = lost == 0\n");
        var checks = GateCommand.load(f);
        assertThat(checks.keySet()).containsExactly("queue", "burst");
        assertThat(checks.get("queue")).extracting(GateCheck::name).containsExactly("ratio", "lost");
    }

    @Test
    void theRepositoryThresholdsParse() throws Exception {
        var checks = GateCommand.load(Path.of("gate-thresholds.properties"));
        assertThat(checks).isNotEmpty();
    }
}
