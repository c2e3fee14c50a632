package dev.herald.bench.repeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class MedianMergeTest {
    private static JsonNode json(String s) throws Exception {
        return Json.mapper().readTree(s);
    }

    @Test
    void everyNumberBecomesTheMedianWithItsMinAndMax() throws Exception {
        ObjectNode m = MedianMerge.merge(List.of(
                json("{\"benchmark\":\"x\",\"drain_s\":9.0,\"lost\":0,\"rates\":[{\"rate\":50,\"p99\":3.0,\"sustained\":true}],\"load\":{\"busy_pct\":10}}"),
                json("{\"benchmark\":\"x\",\"drain_s\":7.0,\"lost\":0,\"rates\":[{\"rate\":50,\"p99\":30.0,\"sustained\":false}],\"load\":{\"busy_pct\":90}}"),
                json("{\"benchmark\":\"x\",\"drain_s\":8.0,\"lost\":2,\"rates\":[{\"rate\":50,\"p99\":4.0,\"sustained\":true}],\"load\":{\"busy_pct\":50}}")));
        assertThat(m.get("benchmark").asText()).isEqualTo("x");
        assertThat(m.get("drain_s").asDouble()).isEqualTo(8.0);
        assertThat(m.get("lost").isIntegralNumber()).isTrue();
        assertThat(m.get("lost").asLong()).isZero();
        assertThat(m.at("/rates/0/p99").asDouble()).isEqualTo(4.0);
        assertThat(m.at("/rates/0/sustained").asBoolean()).isTrue();
        assertThat(m.at("/repeat/runs").asInt()).isEqualTo(3);
        assertThat(m.at("/repeat/spread/drain_s/min").asDouble()).isEqualTo(7.0);
        assertThat(m.at("/repeat/spread/drain_s/max").asDouble()).isEqualTo(9.0);
        assertThat(m.at("/repeat/spread/rates[0].p99/max").asDouble()).isEqualTo(30.0);
        assertThat(m.at("/repeat/loads").size()).isEqualTo(3);
        assertThat(m.at("/repeat/loads/1/busy_pct").asInt()).isEqualTo(90);
        assertThat(Repeat.at(m, "rates[0].p99").asDouble()).isEqualTo(4.0);
    }

    @Test
    void anEvenNumberOfRunsAveragesTheMiddleTwo() throws Exception {
        ObjectNode m = MedianMerge.merge(List.of(json("{\"a\":1}"), json("{\"a\":4}"), json("{\"a\":2}"), json("{\"a\":3}")));
        assertThat(m.get("a").asDouble()).isEqualTo(2.5);
    }

    @Test
    void repeatArgumentIsFoundAndRemovedAndABadOneNamed() {
        assertThat(Repeat.count(new String[] {"burst", "--repeat", "3", "--quick"})).isEqualTo(3);
        assertThat(Repeat.count(new String[] {"burst", "--repeat=5"})).isEqualTo(5);
        assertThat(Repeat.count(new String[] {"burst", "--quick"})).isZero();
        assertThat(Repeat.without(new String[] {"burst", "--repeat", "3", "--quick"})).containsExactly("burst", "--quick");
        assertThatThrownBy(() -> Repeat.count(new String[] {"burst", "--repeat", "x"})).hasMessageContaining("--repeat");
        assertThatThrownBy(() -> Repeat.count(new String[] {"burst", "--repeat", "0"})).hasMessageContaining("1 to 50");
    }
}
