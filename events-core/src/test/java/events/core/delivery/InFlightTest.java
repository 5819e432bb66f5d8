package events.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InFlightTest {
    private final AtomicInteger roomFreed = new AtomicInteger();

    @Test
    void holdsUpToTheBoundsInAllAndTheEndpointsShare() {
        InFlight inFlight = new InFlight(80, 8_000, 10, roomFreed::incrementAndGet);

        for (int i = 0; i < 10; i++) {
            assertThat(inFlight.hold("a" + i, "A", 10)).isTrue();
        }
        assertThat(inFlight.hold("a10", "A", 10)).as("A's share of the deliveries").isFalse();
        assertThat(inFlight.hold("b0", "B", 999)).isTrue();
        assertThat(inFlight.hold("b1", "B", 2)).as("B's eighth of the bytes").isFalse();
        assertThat(inFlight.size()).isEqualTo(11);
        assertThat(inFlight.bytes()).isEqualTo(100 + 999);
        assertThat(inFlight.room()).isEqualTo(69);
    }

    @Test
    void anEndpointIsBusyWhenItHasRoomForLessThanAClaimBatchOrWasRefusedBytes() {
        InFlight inFlight = new InFlight(80, 8_000, 10, roomFreed::incrementAndGet);
        assertThat(inFlight.claimBatch()).isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            inFlight.hold("a" + i, "A", 10);
        }
        assertThat(inFlight.busyEndpoints()).isEmpty();
        inFlight.hold("a5", "A", 10);
        assertThat(inFlight.busyEndpoints()).as("room for 4 of 10").containsExactly("A");

        inFlight.hold("b0", "B", 900);
        assertThat(inFlight.hold("b1", "B", 900)).isFalse();
        assertThat(inFlight.busyEndpoints()).as("B refused for its bytes").containsExactlyInAnyOrder("A", "B");

        inFlight.release("b0");
        inFlight.release("a0");
        assertThat(inFlight.busyEndpoints()).isEmpty();
        assertThat(roomFreed).as("each release that ended a busy spell tells the scheduler").hasValue(2);
        inFlight.release("a1");
        assertThat(roomFreed).hasValue(2);
    }

    @Test
    void anEventLargerThanAShareIsHeldAloneAndOneLargerThanAllWhenNothingElseIs() {
        InFlight inFlight = new InFlight(80, 8_000, 10, roomFreed::incrementAndGet);

        assertThat(inFlight.hold("huge", "A", 5_000)).as("alone for its endpoint").isTrue();
        assertThat(inFlight.hold("more", "A", 1)).isFalse();
        inFlight.release("huge");
        assertThat(roomFreed).as("A was busy: refused").hasValue(1);
        assertThat(inFlight.hold("enormous", "B", 50_000)).as("alone in all").isTrue();
        assertThat(inFlight.room()).isZero();
        assertThat(inFlight.hold("other", "C", 1)).isFalse();
        inFlight.release("enormous");
        assertThat(roomFreed).as("the release that freed room in all").hasValue(2);
    }

    @Test
    void holdsADeliveryOnceAndForgetsItsEndpointWhenNothingIsLeft() {
        InFlight inFlight = new InFlight(80, 8_000, 10, roomFreed::incrementAndGet);
        assertThat(inFlight.hold("m", "A", 10)).isTrue();
        assertThat(inFlight.hold("m", "A", 10)).isFalse();
        inFlight.release("m");
        inFlight.release("m");
        assertThat(inFlight.size()).isZero();
        assertThat(inFlight.bytes()).isZero();
        assertThat(inFlight.holds("m")).isFalse();
    }

    @Test
    void refusesBoundsThatCannotHoldTwoDeliveriesPerEndpoint() {
        assertThatThrownBy(() -> new InFlight(80, 8_000, 1, () -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
