package events.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RecentlyValidTest {

    @Test
    void checksAnAcceptedValueOnce() {
        AtomicInteger checks = new AtomicInteger();
        RecentlyValid valid = new RecentlyValid(v -> checks.incrementAndGet() > 0 && v.startsWith("ok"));
        assertThat(valid.test("ok-1")).isTrue();
        assertThat(valid.test("ok-1")).isTrue();
        assertThat(checks).hasValue(1);
    }

    @Test
    void neverRemembersARejection() {
        AtomicInteger checks = new AtomicInteger();
        RecentlyValid valid = new RecentlyValid(v -> checks.incrementAndGet() > 0 && v.startsWith("ok"));
        assertThat(valid.test("bad")).isFalse();
        assertThat(valid.test("bad")).isFalse();
        assertThat(checks).hasValue(2);
    }

    @Test
    void staysCorrectPastItsCapacity() {
        RecentlyValid valid = new RecentlyValid(v -> v.startsWith("ok"));
        for (int i = 0; i < 10_000; i++) {
            assertThat(valid.test("ok-" + i)).isTrue();
        }
        assertThat(valid.test("not-ok")).isFalse();
        assertThat(valid.test("ok-1")).isTrue();
    }
}
