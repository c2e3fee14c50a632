package dev.herald.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link LocalSingleFlight#prepare} in one process (the Redis-backed one is in {@link RedisSingleFlightTest}). */
class LocalSingleFlightTest {
    private static JsonNode value(String s) {
        return JsonNodeFactory.instance.textNode(s);
    }

    @Test
    void inProcessAPreparedValueIsBuiltOnceAndServedWithoutBuilding() {
        LocalSingleFlight flight = new LocalSingleFlight(Map.of(), Duration.ofMinutes(1), 100);
        AtomicInteger built = new AtomicInteger();
        assertThat(flight.prepare("k", "a", () -> value("v" + built.incrementAndGet()))).isTrue();
        assertThat(flight.prepare("k", "a", () -> value("v" + built.incrementAndGet()))).as("already cached").isFalse();
        assertThat(flight.getOrBuild("k", "a", () -> value("v" + built.incrementAndGet())).asText()).isEqualTo("v1");
        assertThat(built).hasValue(1);
        assertThat(flight.builds("k")).isEqualTo(1);
        assertThat(flight.builds("other")).isZero();
    }
}
