package events.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SteadyStateTest {
    @Test
    void notSettledBeforeTwoGroupsOfWindows() {
        assertThat(SteadyState.settled(List.of(100.0, 100.0, 100.0, 100.0, 100.0))).isFalse();
    }

    @Test
    void notSettledWhileTheRateStillRises() {
        // The shape of a server whose JIT is still compiling: 1 613, 1 928, 2 447, 3 017, 3 100, 2 889 req/s.
        assertThat(SteadyState.settled(List.of(1613.0, 1928.0, 2447.0, 3017.0, 3100.0, 2889.0))).isFalse();
    }

    @Test
    void settledOnceTheRateStopsRisingEvenIfItStillJitters() {
        assertThat(SteadyState.settled(List.of(1613.0, 1928.0, 2447.0, 3017.0, 3100.0, 2889.0, 2950.0, 3247.0,
                2990.0))).isTrue();
    }

    @Test
    void settledWhenTheRateFalls() {
        assertThat(SteadyState.settled(List.of(5000.0, 5100.0, 4900.0, 4000.0, 4100.0, 3900.0))).isTrue();
    }

    @Test
    void aRiseWithinTheToleranceCountsAsSettled() {
        assertThat(SteadyState.settled(List.of(1000.0, 1000.0, 1000.0, 1029.0, 1029.0, 1029.0))).isTrue();
        assertThat(SteadyState.settled(List.of(1000.0, 1000.0, 1000.0, 1031.0, 1031.0, 1031.0))).isFalse();
    }
}
