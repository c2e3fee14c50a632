package dev.herald.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RecentValuesTest {
    final AtomicLong now = new AtomicLong();

    @Test
    void aFullMapMakesRoomForTheNewestValueByDroppingTheLeastRecentlyUsed() {
        RecentValues<String, String> values = new RecentValues<>(3, now::get);
        values.put("a", "A", 1_000);
        values.put("b", "B", 1_000);
        values.put("c", "C", 1_000);
        assertThat(values.get("a")).isEqualTo("A"); // a is now more recent than b
        values.put("d", "D", 1_000);
        assertThat(values.get("d")).as("a new value always gets in").isEqualTo("D");
        assertThat(values.get("b")).as("the least recently used went").isNull();
        assertThat(values.get("a")).isEqualTo("A");
        assertThat(values.get("c")).isEqualTo("C");
        assertThat(values.size()).isEqualTo(3);
    }

    @Test
    void aValueOlderThanItsTimeToLiveIsGone() {
        RecentValues<String, String> values = new RecentValues<>(10, now::get);
        values.put("a", "A", 100);
        now.addAndGet(99);
        assertThat(values.get("a")).isEqualTo("A");
        now.addAndGet(1);
        assertThat(values.get("a")).isNull();
        assertThat(values.size()).isZero();
    }

    @Test
    void aZeroBoundOrTimeToLiveKeepsNothing() {
        RecentValues<String, String> none = new RecentValues<>(0, now::get);
        none.put("a", "A", 100);
        assertThat(none.get("a")).isNull();
        RecentValues<String, String> values = new RecentValues<>(10, now::get);
        values.put("a", "A", 0);
        assertThat(values.get("a")).isNull();
    }
}
