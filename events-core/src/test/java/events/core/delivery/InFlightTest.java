package events.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class InFlightTest {
    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    @Test
    void holdsUpToTheBoundsInAllAndAnEighthOfEachForOneEndpoint() {
        InFlight inFlight = new InFlight(80, 8_000);

        for (int i = 0; i < 10; i++) {
            assertThat(inFlight.hold("a" + i, "A", 10)).isTrue();
        }
        assertThat(inFlight.hold("a10", "A", 10)).as("A's eighth of the deliveries").isFalse();
        assertThat(inFlight.fullEndpoints()).containsExactly("A");
        assertThat(inFlight.hold("b0", "B", 999)).as("B's eighth of the bytes").isTrue();
        assertThat(inFlight.hold("b1", "B", 2)).isFalse();
        assertThat(inFlight.fullEndpoints()).containsExactly("A");
        assertThat(inFlight.size()).isEqualTo(11);
        assertThat(inFlight.bytes()).isEqualTo(100 + 999);
        assertThat(inFlight.room()).isEqualTo(69);

        inFlight.release("a0");
        assertThat(inFlight.fullEndpoints()).isEmpty();
        assertThat(inFlight.hold("a10", "A", 10)).isTrue();
    }

    @Test
    void stopsAtTheBytesInAllWhateverTheEndpoints() {
        InFlight inFlight = new InFlight(800, 800);
        for (int i = 0; i < 8; i++) {
            assertThat(inFlight.hold("m" + i, "E" + i, 100)).isTrue();
        }
        assertThat(inFlight.hold("m8", "E8", 1)).isFalse();
        assertThat(inFlight.room()).isZero();
    }

    @Test
    void holdsADeliveryOnceAndForgetsItsEndpointWhenNothingIsLeft() {
        InFlight inFlight = new InFlight(80, 8_000);
        assertThat(inFlight.hold("m", "A", 10)).isTrue();
        assertThat(inFlight.hold("m", "A", 10)).isFalse();
        inFlight.release("m");
        inFlight.release("m");
        assertThat(inFlight.size()).isZero();
        assertThat(inFlight.bytes()).isZero();
        assertThat(inFlight.holds("m")).isFalse();
    }

    @Test
    void anAttemptStartedBeforeTheCutoffIsReportedLostOnce() {
        InFlight inFlight = new InFlight(80, 8_000);
        inFlight.hold("queued", "A", 10);
        inFlight.hold("started", "A", 10);
        inFlight.started("started", T0);

        assertThat(inFlight.lostSince("queued", T0.plusSeconds(60))).as("never started: only waiting").isFalse();
        assertThat(inFlight.lostSince("started", T0)).isFalse();
        assertThat(inFlight.lostSince("started", T0.plusSeconds(60))).isTrue();
        assertThat(inFlight.lostSince("started", T0.plusSeconds(60))).isFalse();
        assertThat(inFlight.holds("started")).isTrue();
    }

    @Test
    void refusesBoundsTooSmallToShare() {
        assertThatThrownBy(() -> new InFlight(7, 8_000)).isInstanceOf(IllegalArgumentException.class);
    }
}
